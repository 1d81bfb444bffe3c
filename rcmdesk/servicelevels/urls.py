from django.urls import path

from rcmdesk.servicelevels import views

app_name = "servicelevels"
urlpatterns = [
    path("engagements/<int:engagement_id>/", views.engagement_levels, name="engagement"),
    path("targets/<int:target_id>/missed/", views.missed, name="missed"),
    path("targets/<int:target_id>/retire/", views.retire, name="retire"),
    path("calendar/<slug:client>/", views.calendar, name="calendar"),
    path("holidays/<int:holiday_id>/delete/", views.delete_holiday, name="delete_holiday"),
]
