"""Which family each event belongs to, for the recipients' e-mail preferences."""

from django.utils.translation import gettext_lazy as _

ACCOUNT = "account"
APPLICATIONS = "applications"
REMINDERS = "reminders"
PARTNER = "partner"
STAFF = "staff"

FAMILIES = {
    ACCOUNT: _("Mon compte (toujours envoyés)"),
    APPLICATIONS: _("Mes candidatures : envoi, éligibilité, décisions"),
    REMINDERS: _("Rappels : dates limites, documents qui expirent"),
    PARTNER: _("Partenaires : volontaires proposé·e·s, confirmations en attente"),
    STAFF: _("Équipe de l'ANVT : réponses des partenaires"),
}
# Messages nobody can turn off: they concern the account's security or existence.
MANDATORY = frozenset({ACCOUNT})

EVENT_FAMILY = {
    "account_created": ACCOUNT,
    "account_email": ACCOUNT,
    "login_attempts": ACCOUNT,
    "invitation": ACCOUNT,  # allauth's own messages: verification, password reset…
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
    "workshop_invitation": APPLICATIONS,
    "mobility_digest": REMINDERS,
    "mobility_at_risk": STAFF,
    # To a host structure's contact, who may have no account (no preferences to keep).
    "host_request": PARTNER,
    "host_reminder": PARTNER,
}


def family_of(event: str) -> str:
    return EVENT_FAMILY[event]
