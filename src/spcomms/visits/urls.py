"""Staff pages for country visits, mounted at ``staff/visits/``."""

from django.urls import path

from spcomms.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("new/", views.visit_create, name="create"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/steps/", views.visit_step, name="step"),
    path("<int:pk>/links/", views.visit_links, name="links"),
    path("<int:pk>/recommendations/", views.recommendation_new, name="recommendation_new"),
    path(
        "<int:pk>/recommendations/<int:rec>/",
        views.recommendation_update,
        name="recommendation_update",
    ),
    path("standing-invitations/", views.invitation_list, name="invitations"),
    path(
        "standing-invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
