from django.urls import path

from volunteer_space import mobility, views

app_name = "volunteers"

urlpatterns = [
    path("espace/", views.dashboard, name="dashboard"),
    path("espace/profil/<slug:step>/", views.profile_step, name="profile_step"),
    path("espace/experiences/", views.experiences, name="experiences"),
    path("espace/experiences/nouvelle/", views.experience_form, name="experience_add"),
    path("espace/experiences/<int:pk>/", views.experience_form, name="experience_edit"),
    path(
        "espace/experiences/<int:pk>/supprimer/", views.experience_delete, name="experience_delete"
    ),
    path(
        "espace/experiences/<int:pk>/justificatif/", views.experience_proof, name="experience_proof"
    ),
    path(
        "espace/experiences/<int:pk>/attestation/",
        views.experience_attestation,
        name="experience_attestation",
    ),
    path(
        "espace/experiences/<int:pk>/relancer/", views.experience_remind, name="experience_remind"
    ),
    path("espace/documents/", views.documents, name="documents"),
    path("espace/documents/<int:pk>/fichier/", views.document_file, name="document_file"),
    path("espace/documents/<int:pk>/remplacer/", views.document_replace, name="document_replace"),
    path("espace/documents/<int:pk>/supprimer/", views.document_delete, name="document_delete"),
    path("espace/candidatures/", views.applications, name="applications"),
    path("espace/appels/<int:call_pk>/candidater/", views.apply, name="apply"),
    path("candidatures/<int:pk>/", views.application_detail, name="application"),
    path(
        "candidatures/<int:pk>/missions/", views.application_missions, name="application_missions"
    ),
    path(
        "candidatures/<int:pk>/motivation/",
        views.application_motivation,
        name="application_motivation",
    ),
    path("candidatures/<int:pk>/envoi/", views.application_review, name="application_review"),
    path("candidatures/<int:pk>/retirer/", views.application_withdraw, name="application_withdraw"),
    path("espace/affectations/<int:pk>/", views.placement_detail, name="placement"),
    path(
        "espace/affectations/<int:pk>/certificat.pdf",
        views.placement_certificate,
        name="placement_certificate",
    ),
    path("espace/affectations/<int:pk>/dossier/", mobility.mobility_file, name="mobility"),
    path(
        "espace/affectations/<int:pk>/dossier/pieces/<int:item_pk>/",
        mobility.mobility_item,
        name="mobility_item",
    ),
    path(
        "espace/ateliers/<int:pk>/oui/",
        mobility.workshop_answer,
        {"coming": True},
        name="workshop_yes",
    ),
    path(
        "espace/ateliers/<int:pk>/non/",
        mobility.workshop_answer,
        {"coming": False},
        name="workshop_no",
    ),
    path("espace/mes-donnees/", views.my_data, name="my_data"),
    path("espace/mes-donnees/export.json", views.my_data_export, name="my_data_export"),
    path("espace/supprimer-mon-compte/", views.account_delete, name="account_delete"),
]
