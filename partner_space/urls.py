from django.urls import path

from partner_space import integrations, views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("contingents/<int:pk>/", views.contingent_detail, name="contingent"),
    path("affectations/<int:pk>/", views.placement_detail, name="placement"),
    path("contingents/<int:pk>/preparation/", views.readiness, name="readiness"),
    path(
        "affectations/<int:pk>/dossier/<int:item_pk>/",
        views.mobility_item,
        name="mobility_item",
    ),
    path("affectations/<int:pk>/confirmer/", views.placement_confirm, name="placement_confirm"),
    path("affectations/<int:pk>/refuser/", views.placement_decline, name="placement_decline"),
    path("affectations/<int:pk>/depart/", views.placement_departure, name="placement_departure"),
    path("affectations/<int:pk>/arrivee/", views.placement_arrival, name="placement_arrival"),
    path("affectations/<int:pk>/retour/", views.placement_return, name="placement_return"),
    path("affectations/<int:pk>/corriger/", views.placement_correct, name="placement_correct"),
    path(
        "affectations/<int:pk>/documents/<int:document_pk>/",
        views.placement_document,
        name="placement_document",
    ),
    path(
        "affectations/<int:pk>/documents/<int:document_pk>/apercu.png",
        views.placement_document_preview,
        name="placement_document_preview",
    ),
    path(
        "affectations/<int:pk>/interruption/",
        views.placement_interrupt,
        name="placement_interrupt",
    ),
    path(
        "affectations/<int:pk>/rapport-mi-parcours/",
        views.placement_report,
        {"kind": "midterm"},
        name="placement_report_midterm",
    ),
    path(
        "affectations/<int:pk>/rapport-final/",
        views.placement_report,
        {"kind": "final"},
        name="placement_report_final",
    ),
    path(
        "affectations/<int:pk>/rapport-mi-parcours/fichier/",
        views.placement_report_file,
        {"kind": "midterm"},
        name="placement_report_midterm_file",
    ),
    path(
        "affectations/<int:pk>/rapport-final/fichier/",
        views.placement_report_file,
        {"kind": "final"},
        name="placement_report_final_file",
    ),
    path("accueil/", views.incoming_list, name="incoming"),
    path("accueil/declarer/", views.incoming_form, name="incoming_add"),
    path("accueil/<int:pk>/", views.incoming_form, name="incoming_edit"),
    path("accueil/<int:pk>/arrivee/", views.incoming_arrived, name="incoming_arrived"),
    path("accueil/<int:pk>/fin/", views.incoming_completed, name="incoming_completed"),
    path("accueil/<int:pk>/interruption/", views.incoming_interrupted, name="incoming_interrupted"),
    path("reciprocite/", views.reciprocity, name="reciprocity"),
    path("offres/", views.mission_list, name="missions"),
    path("offres/nouvelle/", views.mission_form, name="mission_add"),
    path("offres/<int:pk>/", views.mission_form, name="mission_edit"),
    path("membres/", views.members, name="members"),
    path("api/", integrations.page, name="integrations"),
    path("api/cles/", integrations.token_create, name="token_create"),
    path("api/cles/<int:pk>/revoquer/", integrations.token_revoke, name="token_revoke"),
    path("api/webhooks/", integrations.endpoint_create, name="endpoint_create"),
    path("api/webhooks/<int:pk>/retirer/", integrations.endpoint_remove, name="endpoint_remove"),
    path("api/webhooks/renvoyer/", integrations.deliveries_retry, name="deliveries_retry"),
]
