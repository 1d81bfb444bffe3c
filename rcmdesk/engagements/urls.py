from django.urls import path

from rcmdesk.engagements import views

app_name = "engagements"
urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("<int:engagement_id>/", views.onboarding, name="onboarding"),
    path("<int:engagement_id>/plan/", views.save_plan, name="plan"),
    path("<int:engagement_id>/freeze/", views.freeze, name="freeze"),
    path("<int:engagement_id>/tick/<slug:key>/", views.tick, name="tick"),
    path("<int:engagement_id>/go-live/", views.go_live, name="go_live"),
]
