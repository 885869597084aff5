"""Account pages. Route names are Django's own (login, password_reset, …), which its
authentication views and templates expect.
"""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from betterway.accounts import views
from betterway.accounts.forms import LoginForm, QueuedPasswordResetForm
from betterway.accounts.second_factor import second_factor

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/forgotten/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/forgotten/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("profile")),
        name="password_change",
    ),
    path("second-factor/", second_factor, name="second_factor"),
    path("profile/", views.profile, name="profile"),
    path("profile/email/<str:token>/", views.email_confirm, name="email_confirm"),
]
