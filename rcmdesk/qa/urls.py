from django.urls import path

from rcmdesk.qa import views

app_name = "qa"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/draw/", views.draw, name="draw"),
    path("audits/<int:audit_id>/", views.audit, name="audit"),
    path("audits/<int:audit_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("accuracy/", views.accuracy, name="accuracy"),
    path("sample-size/", views.sample_size, name="sample_size"),
]
