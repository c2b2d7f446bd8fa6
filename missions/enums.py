"""Statuses of the programme's objects, their groupings and the moves allowed between them.

Each transition table maps (from, to) to the kind of actor (or set of kinds) who may make it:
- OWNER: the volunteer who owns the application;
- STAFF: a reviewer assigned to the call, or a programme manager;
- MANAGER: a programme manager;
- COORDINATOR: a coordinator of the partner organisation concerned;
- SYSTEM: a background job (no user).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Actor(models.TextChoices):
    OWNER = "owner", _("le ou la volontaire")
    STAFF = "staff", _("l'équipe de l'ANVT")
    MANAGER = "manager", _("un·e responsable de programme")
    COORDINATOR = "coordinator", _("le partenaire")
    # The host structure's contact, through the signed link of the placement (no account needed).
    HOST = "host", _("la structure d'accueil")
    SYSTEM = "system", _("le système")


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Départ à l'étranger")
    INCOMING = "incoming", _("Accueil au Togo")


class MissionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PROPOSED = "proposed", _("Proposée")
    PUBLISHED = "published", _("Publiée")
    CLOSED = "closed", _("Clôturée")


MISSION_TRANSITIONS = {
    (MissionStatus.DRAFT, MissionStatus.PROPOSED): Actor.COORDINATOR,
    (MissionStatus.DRAFT, MissionStatus.PUBLISHED): Actor.MANAGER,
    (MissionStatus.PROPOSED, MissionStatus.PUBLISHED): Actor.MANAGER,
    (MissionStatus.PROPOSED, MissionStatus.DRAFT): Actor.MANAGER,  # returned with a comment
    (MissionStatus.PUBLISHED, MissionStatus.CLOSED): Actor.MANAGER,
}


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Envoyée")
    ELIGIBLE = "eligible", _("Éligible")
    INELIGIBLE = "ineligible", _("Non éligible")
    UNDER_REVIEW = "under_review", _("En cours d'examen")
    RETURNED_FOR_CORRECTION = "returned_for_correction", _("À corriger")
    SHORTLISTED = "shortlisted", _("Présélectionnée")
    # Proposed to a partner, which has not confirmed yet (nor the host structure).
    PROPOSED = "proposed", _("Proposée à un partenaire")
    # Every party has confirmed: ANVT, the sending partner and the host structure.
    SELECTED = "selected", _("Sélectionnée")
    WAITLISTED = "waitlisted", _("Sur liste d'attente")
    REJECTED = "rejected", _("Non retenue")
    WITHDRAWN = "withdrawn", _("Retirée")
    DEPARTED = "departed", _("Partie en mission")
    ON_MISSION = "on_mission", _("En mission")
    COMPLETED = "completed", _("Mission terminée")
    INTERRUPTED = "interrupted", _("Mission interrompue")


# The volunteer may still edit an application in these statuses.
APPLICATION_EDITABLE = frozenset(
    {ApplicationStatus.DRAFT, ApplicationStatus.RETURNED_FOR_CORRECTION}
)
# Statuses whose eligibility a job re-checks (and moves between eligible and ineligible).
APPLICATION_CHECKED = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE}
)
# Statuses in which the eligibility report is still refreshed when the data changes.
APPLICATION_OPEN = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.INELIGIBLE,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.WAITLISTED,
    }
)
# Staff may score the application (and the page offers the review form).
APPLICATION_REVIEWABLE = frozenset(
    {
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.WAITLISTED,
    }
)
# A decision has been taken (for the time from submission to decision).
APPLICATION_DECIDED = frozenset(
    {
        ApplicationStatus.PROPOSED,
        ApplicationStatus.SELECTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    }
)
APPLICATION_WITHDRAWABLE = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.INELIGIBLE,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.RETURNED_FOR_CORRECTION,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.PROPOSED,
        ApplicationStatus.SELECTED,
        ApplicationStatus.WAITLISTED,
    }
)

APPLICATION_TRANSITIONS = {
    (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED): Actor.OWNER,
    (ApplicationStatus.RETURNED_FOR_CORRECTION, ApplicationStatus.SUBMITTED): Actor.OWNER,
    (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE): Actor.SYSTEM,
    (ApplicationStatus.SUBMITTED, ApplicationStatus.INELIGIBLE): Actor.SYSTEM,
    (ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE): Actor.SYSTEM,
    (ApplicationStatus.INELIGIBLE, ApplicationStatus.ELIGIBLE): Actor.SYSTEM,
    (ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_REVIEW): Actor.STAFF,
    (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SHORTLISTED): Actor.MANAGER,
    (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.REJECTED): Actor.MANAGER,
    (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.RETURNED_FOR_CORRECTION): Actor.MANAGER,
    (ApplicationStatus.SHORTLISTED, ApplicationStatus.WAITLISTED): Actor.MANAGER,
    (ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED): Actor.MANAGER,
    (ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED): Actor.MANAGER,
    # A selection committee takes her from the waiting list (selection.services).
    (ApplicationStatus.WAITLISTED, ApplicationStatus.SHORTLISTED): Actor.MANAGER,
    # While its contingent forms, an application keeps its status: the volunteer is told only
    # what is decided. The contingent sent, she is proposed to its partner...
    (ApplicationStatus.SHORTLISTED, ApplicationStatus.PROPOSED): Actor.MANAGER,
    (ApplicationStatus.WAITLISTED, ApplicationStatus.PROPOSED): Actor.MANAGER,
    # ...declined by the partner or the host, or the proposal withdrawn (the placement's own
    # change names the manager): back on the shortlist.
    (ApplicationStatus.PROPOSED, ApplicationStatus.SHORTLISTED): Actor.SYSTEM,
    # Selected once every party has confirmed (the last confirmation moves it).
    (ApplicationStatus.PROPOSED, ApplicationStatus.SELECTED): Actor.SYSTEM,
    (ApplicationStatus.SELECTED, ApplicationStatus.DEPARTED): Actor.SYSTEM,
    (ApplicationStatus.DEPARTED, ApplicationStatus.ON_MISSION): Actor.SYSTEM,
    (ApplicationStatus.DEPARTED, ApplicationStatus.INTERRUPTED): Actor.SYSTEM,
    (ApplicationStatus.ON_MISSION, ApplicationStatus.COMPLETED): Actor.SYSTEM,
    (ApplicationStatus.ON_MISSION, ApplicationStatus.INTERRUPTED): Actor.SYSTEM,
    **{(status, ApplicationStatus.WITHDRAWN): Actor.OWNER for status in APPLICATION_WITHDRAWABLE},
}


class ContingentStatus(models.TextChoices):
    FORMING = "forming", _("En constitution")
    SENT_TO_PARTNER = "sent_to_partner", _("Envoyé au partenaire")
    CONFIRMED = "confirmed", _("Confirmé")
    DEPARTED = "departed", _("Parti")
    COMPLETED = "completed", _("Terminé")


CONTINGENT_TRANSITIONS = {
    (ContingentStatus.FORMING, ContingentStatus.SENT_TO_PARTNER): Actor.MANAGER,
    (
        ContingentStatus.SENT_TO_PARTNER,
        ContingentStatus.CONFIRMED,
    ): Actor.SYSTEM,  # every placement decided
    (
        ContingentStatus.CONFIRMED,
        ContingentStatus.SENT_TO_PARTNER,
    ): Actor.MANAGER,  # a freed seat is offered again
    # Only when every placement has left: no contingent "departed" while nobody has.
    (ContingentStatus.CONFIRMED, ContingentStatus.DEPARTED): Actor.SYSTEM,
    (ContingentStatus.DEPARTED, ContingentStatus.COMPLETED): Actor.SYSTEM,  # every placement ended
}


class PlacementStatus(models.TextChoices):
    # `planned` and `cancelled` complete PRODUCT's list: a placement exists while its contingent
    # forms, before the partner sees it, and ends `cancelled` when the volunteer withdraws.
    PLANNED = "planned", _("Prévue")
    PROPOSED = "proposed", _("Proposée au partenaire")
    # The chain of confirmations: the sending partner has confirmed, the host structure has not.
    HOST_PENDING = "host_pending", _("En attente de la structure d'accueil")
    CONFIRMED = "confirmed", _("Confirmée par toutes les parties")
    DECLINED = "declined", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")
    DEPARTED = "departed", _("Partie")
    ARRIVED = "arrived", _("Arrivée, en mission")
    COMPLETED = "completed", _("Terminée")
    INTERRUPTED = "interrupted", _("Interrompue")


# Placements that hold a seat of their contingent.
PLACEMENT_HOLDS_SEAT = frozenset(
    {
        PlacementStatus.PLANNED,
        PlacementStatus.PROPOSED,
        PlacementStatus.HOST_PENDING,
        PlacementStatus.CONFIRMED,
        PlacementStatus.DEPARTED,
        PlacementStatus.ARRIVED,
        PlacementStatus.COMPLETED,
        PlacementStatus.INTERRUPTED,
    }
)
# Placements waiting for a party's decision, each with its deadline.
PLACEMENT_AWAITING = frozenset({PlacementStatus.PROPOSED, PlacementStatus.HOST_PENDING})
# Placements that keep the volunteer busy (one at a time).
PLACEMENT_BUSY = frozenset(
    {PlacementStatus.CONFIRMED, PlacementStatus.DEPARTED, PlacementStatus.ARRIVED}
)
PLACEMENT_AWAY = frozenset({PlacementStatus.DEPARTED, PlacementStatus.ARRIVED})
PLACEMENT_ENDED = frozenset({PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED})
PLACEMENT_TRANSITIONS = {
    (PlacementStatus.PLANNED, PlacementStatus.PROPOSED): Actor.MANAGER,
    # The sending partner confirms: on to the host structure, or confirmed when it hosts itself.
    (PlacementStatus.PROPOSED, PlacementStatus.HOST_PENDING): Actor.COORDINATOR,
    (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED): Actor.COORDINATOR,
    (PlacementStatus.PROPOSED, PlacementStatus.DECLINED): Actor.COORDINATOR,
    (PlacementStatus.HOST_PENDING, PlacementStatus.CONFIRMED): Actor.HOST,
    (PlacementStatus.HOST_PENDING, PlacementStatus.DECLINED): Actor.HOST,
    (PlacementStatus.CONFIRMED, PlacementStatus.DEPARTED): {Actor.COORDINATOR, Actor.MANAGER},
    (PlacementStatus.DEPARTED, PlacementStatus.ARRIVED): {Actor.COORDINATOR, Actor.MANAGER},
    (PlacementStatus.DEPARTED, PlacementStatus.INTERRUPTED): {Actor.COORDINATOR, Actor.MANAGER},
    (PlacementStatus.ARRIVED, PlacementStatus.COMPLETED): {Actor.COORDINATOR, Actor.MANAGER},
    (PlacementStatus.ARRIVED, PlacementStatus.INTERRUPTED): {Actor.COORDINATOR, Actor.MANAGER},
    (PlacementStatus.PLANNED, PlacementStatus.CANCELLED): {
        Actor.MANAGER,
        Actor.SYSTEM,
    },  # removed, or the volunteer withdrew
    # The volunteer withdrew (the system), or a manager withdrew a proposal left unanswered.
    (PlacementStatus.PROPOSED, PlacementStatus.CANCELLED): {Actor.MANAGER, Actor.SYSTEM},
    (PlacementStatus.HOST_PENDING, PlacementStatus.CANCELLED): {Actor.MANAGER, Actor.SYSTEM},
    (PlacementStatus.CONFIRMED, PlacementStatus.CANCELLED): Actor.SYSTEM,
}


class Party(models.TextChoices):
    """The parties of the chain of confirmations."""

    PARTNER = "partner", _("le partenaire d'envoi")
    HOST = "host", _("la structure d'accueil")


class PlacementEventKind(models.TextChoices):
    """What happens to a placement besides its status changes (those are StatusChange rows)."""

    HOST_LINK_SENT = "host_link_sent", _("Lien de confirmation envoyé à la structure d'accueil")
    REMINDER = "reminder", _("Rappel avant la date limite")
    REMINDER_DAY = "reminder_day", _("Rappel le jour de la date limite")
    ESCALATED = "escalated", _("Date limite dépassée : responsables prévenu·e·s")
    DEADLINE_EXTENDED = "deadline_extended", _("Date limite prolongée")
    DATE_CORRECTED = "date_corrected", _("Date corrigée")
    DEPARTURE_OVERRIDE = "departure_override", _("Départ enregistré avec un dossier incomplet")


class IncomingStatus(models.TextChoices):
    DECLARED = "declared", _("Déclaré·e")
    VALIDATED = "validated", _("Validé·e par l'ANVT")
    ARRIVED = "arrived", _("Arrivé·e au Togo")
    COMPLETED = "completed", _("Mission terminée")
    INTERRUPTED = "interrupted", _("Mission interrompue")


INCOMING_TRANSITIONS = {
    (IncomingStatus.DECLARED, IncomingStatus.VALIDATED): Actor.MANAGER,
    (IncomingStatus.VALIDATED, IncomingStatus.ARRIVED): {Actor.COORDINATOR, Actor.MANAGER},
    (IncomingStatus.ARRIVED, IncomingStatus.COMPLETED): {Actor.COORDINATOR, Actor.MANAGER},
    (IncomingStatus.ARRIVED, IncomingStatus.INTERRUPTED): {Actor.COORDINATOR, Actor.MANAGER},
}


class Recommendation(models.TextChoices):
    SELECT = "select", _("À retenir")
    WAITLIST = "waitlist", _("Liste d'attente")
    REJECT = "reject", _("À ne pas retenir")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échoué")
