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
}


def family_of(event: str) -> str:
    return EVENT_FAMILY[event]
