from django.contrib.auth import views as auth_views
from django.urls import path

from rcmdesk.accounts import member_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp, name="otp"),
    path("otp/enroll/", views.enroll, name="enroll"),
    path("invite/<str:token>/", views.accept_invite, name="accept_invite"),
    path("members/", member_views.member_list, name="members"),
    path("members/<int:user_id>/disable/", member_views.member_disable, name="member_disable"),
    path("members/<int:user_id>/reset-second-factor/", member_views.member_reset_second_factor,
         name="member_reset_second_factor"),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
