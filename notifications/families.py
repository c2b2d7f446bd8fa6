"""Which family each event belongs to, for the recipients' e-mail and SMS preferences, and
which roles each family concerns (a volunteer is not offered the partners' messages)."""

from django.utils.translation import gettext_lazy as _

ACCOUNT = "account"
APPLICATIONS = "applications"
REMINDERS = "reminders"
PARTNER = "partner"
STAFF = "staff"

FAMILIES = {
    ACCOUNT: _("Mon compte (toujours envoyés)"),
    APPLICATIONS: _("Mes candidatures : envoi, éligibilité, décisions, pièces à corriger"),
    REMINDERS: _("Rappels : dates limites, documents qui expirent"),
    PARTNER: _("Partenaires : volontaires proposé·e·s, confirmations en attente"),
    STAFF: _("Équipe de l'ANVT : réponses des partenaires"),
}
# Messages nobody can turn off: they concern the account's security or existence.
MANDATORY = frozenset({ACCOUNT})
# The roles (accounts.roles.Role values) each family is written for.
AUDIENCE = {
    ACCOUNT: frozenset({"volunteer", "reviewer", "programme_manager", "partner", "administrator"}),
    APPLICATIONS: frozenset({"volunteer"}),
    REMINDERS: frozenset({"volunteer"}),
    PARTNER: frozenset({"partner"}),
    STAFF: frozenset({"reviewer", "programme_manager"}),
}
# Families a volunteer may also receive by SMS: each of their events has a short text (sms.txt).
SMS_FAMILIES = frozenset({APPLICATIONS, REMINDERS})


def families_for(roles) -> list[str]:
    """The families that exist for someone with these roles, in the order above."""
    return [key for key in FAMILIES if AUDIENCE[key] & set(roles)]


EVENT_FAMILY = {
    "account_created": ACCOUNT,
    "account_email": ACCOUNT,
    "login_attempts": ACCOUNT,
    "invitation": ACCOUNT,  # allauth's own messages: verification, password reset…
    "new_sign_in": ACCOUNT,
    "sms_code": ACCOUNT,
    "sms_status": ACCOUNT,
    "application_submitted": APPLICATIONS,
    "eligibility_result": APPLICATIONS,
    "application_status": APPLICATIONS,
    "draft_reminder": REMINDERS,
    "document_expiry": REMINDERS,
    "placement_proposed": PARTNER,
    "confirmation_reminder": PARTNER,
    "placement_decided": STAFF,
    "placement_escalated": STAFF,
    # A foreign volunteer declared at a host structure ANVT has not verified (issue 21).
    "incoming_unverified_host": STAFF,
    "date_corrected": APPLICATIONS,
    "mobility_item_refused": APPLICATIONS,
    "experience_rejected": APPLICATIONS,
    "document_rejected": APPLICATIONS,
    "workshop_invitation": APPLICATIONS,
    "mobility_digest": REMINDERS,
    "mobility_at_risk": STAFF,
    # To a host structure's contact, who may have no account (no preferences to keep).
    "host_request": PARTNER,
    "host_reminder": PARTNER,
    # To the members of a selection committee (outside members by their link, no account).
    "committee_invitation": STAFF,
    # To the referee of an experience, who has no account.
    "attestation_request": PARTNER,
    "attestation_reminder": PARTNER,
    "documents_deletion_notice": REMINDERS,
    "follow_up": REMINDERS,
}


# What each event is, for the staff's outbox (never its code).
EVENT_LABELS = {
    "account_created": _("Bienvenue"),
    "account_email": _("E-mail du compte (confirmation, mot de passe, code)"),
    "login_attempts": _("Tentatives de connexion"),
    "invitation": _("Invitation"),
    "new_sign_in": _("Connexion depuis un nouvel appareil"),
    "sms_code": _("Code de vérification par SMS"),
    "sms_status": _("Statut des candidatures par SMS"),
    "application_submitted": _("Candidature envoyée"),
    "eligibility_result": _("Résultat d'éligibilité"),
    "application_status": _("Statut de candidature"),
    "draft_reminder": _("Rappel : candidature à envoyer"),
    "document_expiry": _("Rappel : document qui expire"),
    "placement_proposed": _("Volontaires proposé·e·s au partenaire"),
    "confirmation_reminder": _("Rappel : affectation à confirmer"),
    "placement_decided": _("Réponse d'un partenaire ou d'une structure d'accueil"),
    "placement_escalated": _("Date limite de réponse dépassée"),
    "incoming_unverified_host": _("Accueil chez une structure non vérifiée"),
    "date_corrected": _("Date de mission corrigée"),
    "mobility_item_refused": _("Dossier de départ : élément à reprendre"),
    "experience_rejected": _("Expérience non validée"),
    "document_rejected": _("Document non validé"),
    "workshop_invitation": _("Invitation à l'atelier de départ"),
    "mobility_digest": _("Dossier de départ : éléments à compléter"),
    "mobility_at_risk": _("Départs proches avec un dossier en retard"),
    "host_request": _("Demande à la structure d'accueil"),
    "host_reminder": _("Rappel à la structure d'accueil"),
    "committee_invitation": _("Invitation au comité de sélection"),
    "attestation_request": _("Demande d'attestation d'expérience"),
    "attestation_reminder": _("Rappel : attestation d'expérience"),
    "documents_deletion_notice": _("Documents bientôt supprimés"),
    "follow_up": _("Questionnaire de suivi après la mission"),
}


def event_label(event: str) -> str:
    return EVENT_LABELS.get(event, event)


def family_of(event: str) -> str:
    return EVENT_FAMILY[event]
