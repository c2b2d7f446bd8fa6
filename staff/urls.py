from django.urls import path

from staff import alumni, mobility, selection, views

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
    path("appels/<int:pk>/grille/", selection.call_grid, name="call_grid"),
    path("appels/<int:pk>/equilibre/", selection.call_targets, name="call_targets"),
    path("suivi/", alumni.follow_ups, name="follow_ups"),
    path("suivi/questionnaires/<int:months>/", alumni.questionnaire, name="questionnaire"),
    path("comites/", selection.committees, name="committees"),
    path("comites/nouveau/", selection.committee_create, name="committee_create"),
    path("comites/<int:pk>/", selection.committee, name="committee"),
    path("comites/<int:pk>/membres/", selection.committee_member_add, name="committee_member_add"),
    path(
        "comites/<int:pk>/presences/", selection.committee_attendance, name="committee_attendance"
    ),
    path("comites/<int:pk>/clore/", selection.committee_close, name="committee_close"),
    path(
        "comites/<int:pk>/proces-verbal.pdf", selection.committee_minutes, name="committee_minutes"
    ),
    path(
        "comites/<int:pk>/conflits/",
        selection.committee_declarations,
        name="committee_declarations",
    ),
    path(
        "comites/<int:pk>/candidatures/<int:application_pk>/",
        selection.committee_file,
        name="committee_file",
    ),
    path(
        "comites/<int:pk>/candidatures/<int:application_pk>/note/",
        selection.committee_mark,
        name="committee_mark",
    ),
    path(
        "comites/<int:pk>/candidatures/<int:application_pk>/decision/",
        selection.committee_decide,
        name="committee_decide",
    ),
    path(
        "comites/<int:pk>/candidatures/<int:application_pk>/effacer-la-decision/",
        selection.committee_clear,
        name="committee_clear",
    ),
    path(
        "comites/<int:pk>/candidatures/<int:application_pk>/retirer/",
        selection.committee_remove,
        name="committee_remove",
    ),
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
    path(
        "affectations/<int:pk>/certificat.pdf",
        views.placement_certificate,
        name="placement_certificate",
    ),
    path(
        "affectations/<int:pk>/revoquer-le-certificat/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("affectations/<int:pk>/dossier/", mobility.placement_file, name="mobility"),
    path("dossiers/pieces/<int:pk>/verifier/", mobility.item_verify, name="mobility_verify"),
    path("dossiers/pieces/<int:pk>/refuser/", mobility.item_refuse, name="mobility_refuse"),
    path(
        "dossiers/pieces/<int:pk>/sans-objet/",
        mobility.item_not_applicable,
        name="mobility_not_applicable",
    ),
    path("dossiers/pieces/<int:pk>/rouvrir/", mobility.item_reopen, name="mobility_reopen"),
    path("contingents/<int:pk>/preparation/", mobility.readiness, name="readiness"),
    path("contingents/<int:pk>/preparation.csv", mobility.readiness_csv, name="readiness_csv"),
    path("contingents/<int:pk>/ateliers/", mobility.workshops, name="workshops"),
    path("ateliers/<int:pk>/presences/", mobility.workshop_attendance, name="workshop_attendance"),
    path("listes-de-depart/", mobility.checklists, name="checklists"),
    path("listes-de-depart/nouvel-element/", mobility.checklist_item, name="checklist_item_add"),
    path("listes-de-depart/<int:pk>/", mobility.checklist_item, name="checklist_item"),
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
