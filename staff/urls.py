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
        "candidatures/<int:pk>/examiner/",
        views.application_start_review,
        name="application_start_review",
    ),
    path(
        "candidatures/<int:pk>/preselectionner/",
        views.application_shortlist,
        name="application_shortlist",
    ),
    path(
        "candidatures/<int:pk>/liste-d-attente/",
        views.application_waitlist,
        name="application_waitlist",
    ),
    path(
        "candidatures/<int:pk>/ne-pas-retenir/", views.application_reject, name="application_reject"
    ),
    path("candidatures/<int:pk>/a-corriger/", views.application_return, name="application_return"),
    path(
        "candidatures/<int:pk>/experiences/<int:item_pk>/verifier/",
        views.experience_verify,
        name="experience_verify",
    ),
    path(
        "candidatures/<int:pk>/experiences/<int:item_pk>/rejeter/",
        views.experience_reject,
        name="experience_reject",
    ),
    path(
        "candidatures/<int:pk>/documents/<int:item_pk>/verifier/",
        views.document_verify,
        name="document_verify",
    ),
    path(
        "candidatures/<int:pk>/documents/<int:item_pk>/rejeter/",
        views.document_reject,
        name="document_reject",
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
    path("missions/<int:pk>/publier/", views.mission_publish, name="mission_publish"),
    path("missions/<int:pk>/renvoyer/", views.mission_return, name="mission_return"),
    path("missions/<int:pk>/cloturer/", views.mission_close, name="mission_close"),
    path("contingents/", views.contingents, name="contingents"),
    path("contingents/<int:pk>/", views.contingent_detail, name="contingent"),
    path("contingents/<int:pk>/ajouter/", views.contingent_add, name="contingent_add"),
    path("contingents/<int:pk>/envoyer/", views.contingent_send, name="contingent_send"),
    path("contingents/<int:pk>/liste.csv", views.contingent_roster, name="contingent_roster"),
    path("affectations/<int:pk>/retirer/", views.placement_remove, name="placement_remove"),
    path("affectations/<int:pk>/", views.placement_detail, name="placement"),
    path("affectations/<int:pk>/depart/", views.placement_departure, name="placement_departure"),
    path("affectations/<int:pk>/arrivee/", views.placement_arrival, name="placement_arrival"),
    path("affectations/<int:pk>/retour/", views.placement_return, name="placement_return"),
    path("affectations/<int:pk>/prolonger/", views.placement_extend, name="placement_extend"),
    path(
        "affectations/<int:pk>/retirer-la-proposition/",
        views.placement_withdraw,
        name="placement_withdraw",
    ),
    path("affectations/<int:pk>/corriger/", views.placement_correct, name="placement_correct"),
    path("accueil/", views.incoming, name="incoming"),
    path("accueil/<int:pk>/valider/", views.incoming_validate, name="incoming_validate"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("envois/", views.outbox, name="outbox"),
    path("envois/renvoyer/", views.outbox_retry, name="outbox_retry"),
]
