from django.contrib.auth import views as auth_views
from django.urls import path

from spcomms.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # Signing out is a POST from the form in the page header; Django refuses a GET.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
]
