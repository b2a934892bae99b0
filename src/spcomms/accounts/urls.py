from django.contrib.auth import views as auth_views
from django.urls import path

from spcomms.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.second_step, name="second_step"),
    # Signing out is a POST from the form in the page header; Django refuses a GET.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("security/", views.security, name="security"),
    path("security/app/", views.setup, name="setup"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/sessions/", views.sessions_end, name="sessions_end"),
    path("security/password/", views.PasswordChange.as_view(), name="password_change"),
]
