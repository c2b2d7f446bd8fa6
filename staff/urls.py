from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("candidatures/", views.applications, name="applications"),
    path("candidatures/export.csv", views.applications_export, name="applications_export"),
    path("candidatures/<int:pk>/", views.application_detail, name="application"),
    path("candidatures/<int:pk>/evaluation/", views.application_review, name="application_review"),
    path(
        "candidatures/<int:pk>/statut/<slug:action>/",
        views.application_transition,
        name="application_transition",
    ),
    path(
        "candidatures/<int:pk>/<slug:kind>/<int:item_pk>/verification/",
        views.verify,
        name="verify",
    ),
    path(
        "candidatures/<int:pk>/documents/<int:document_pk>/apercu/",
        views.document_preview,
        name="document_preview",
    ),
    path(
        "candidatures/<int:pk>/documents/<int:document_pk>/telecharger/",
        views.document_download,
        name="document_download",
    ),
    path("appels/", views.calls, name="calls"),
    path("appels/nouveau/", views.call_form, name="call_create"),
    path("appels/<int:pk>/", views.call_form, name="call_edit"),
    path("appels/<int:pk>/reverifier/", views.call_recheck, name="call_recheck"),
    path("verifications/<int:pk>/", views.batch, name="batch"),
    path("missions/", views.missions, name="missions"),
    path("missions/nouvelle/", views.mission_form, name="mission_create"),
    path("missions/<int:pk>/", views.mission_form, name="mission_edit"),
    path("missions/<int:pk>/<slug:action>/", views.mission_action, name="mission_action"),
    path("contingents/", views.contingents, name="contingents"),
    path("contingents/<int:pk>/", views.contingent_detail, name="contingent"),
    path("contingents/<int:pk>/ajouter/", views.contingent_add, name="contingent_add"),
    path("contingents/<int:pk>/envoyer/", views.contingent_send, name="contingent_send"),
    path("contingents/<int:pk>/liste.csv", views.contingent_roster, name="contingent_roster"),
    path("affectations/<int:pk>/<slug:action>/", views.placement_action, name="placement_action"),
    path("accueil/", views.incoming, name="incoming"),
    path("accueil/<int:pk>/valider/", views.incoming_validate, name="incoming_validate"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("envois/", views.outbox, name="outbox"),
    path("envois/renvoyer/", views.outbox_retry, name="outbox_retry"),
]
