from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("contingents/<int:pk>/", views.contingent_detail, name="contingent"),
    path("affectations/<int:pk>/", views.placement_detail, name="placement"),
    path("affectations/<int:pk>/decision/", views.placement_decide, name="placement_decide"),
    path(
        "affectations/<int:pk>/evenement/<slug:event>/",
        views.placement_event,
        name="placement_event",
    ),
    path(
        "affectations/<int:pk>/rapport/<slug:kind>/",
        views.placement_report,
        name="placement_report",
    ),
    path(
        "affectations/<int:pk>/rapport/<slug:kind>/fichier/",
        views.placement_report_file,
        name="placement_report_file",
    ),
    path("accueil/", views.incoming_list, name="incoming"),
    path("accueil/declarer/", views.incoming_form, name="incoming_add"),
    path("accueil/<int:pk>/", views.incoming_form, name="incoming_edit"),
    path("accueil/<int:pk>/<slug:event>/", views.incoming_event, name="incoming_event"),
    path("offres/", views.mission_list, name="missions"),
    path("offres/nouvelle/", views.mission_form, name="mission_add"),
    path("offres/<int:pk>/", views.mission_form, name="mission_edit"),
    path("membres/", views.members, name="members"),
]
