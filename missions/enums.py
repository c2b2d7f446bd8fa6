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
    SELECTED = "selected", _("Sélectionnée")
    WAITLISTED = "waitlisted", _("Sur liste d'attente")
    REJECTED = "rejected", _("Non retenue")
    WITHDRAWN = "withdrawn", _("Retirée")
    PLACED = "placed", _("Affectation confirmée")
    ON_MISSION = "on_mission", _("En mission")
    COMPLETED = "completed", _("Mission terminée")
    INTERRUPTED = "interrupted", _("Mission interrompue")


A = ApplicationStatus
# The volunteer may still edit an application in these statuses.
APPLICATION_EDITABLE = frozenset({A.DRAFT, A.RETURNED_FOR_CORRECTION})
# Statuses whose eligibility a job re-checks (and moves between eligible and ineligible).
APPLICATION_CHECKED = frozenset({A.SUBMITTED, A.ELIGIBLE, A.INELIGIBLE})
# Statuses in which the eligibility report is still refreshed when the data changes.
APPLICATION_OPEN = frozenset(
    {A.SUBMITTED, A.ELIGIBLE, A.INELIGIBLE, A.UNDER_REVIEW, A.SHORTLISTED, A.WAITLISTED}
)
# Staff may score the application (and the page offers the review form).
APPLICATION_REVIEWABLE = frozenset({A.ELIGIBLE, A.UNDER_REVIEW, A.SHORTLISTED, A.WAITLISTED})
# A decision has been taken (for the time from submission to decision).
APPLICATION_DECIDED = frozenset({A.SELECTED, A.WAITLISTED, A.REJECTED, A.PLACED})
APPLICATION_WITHDRAWABLE = frozenset(
    {
        A.DRAFT,
        A.SUBMITTED,
        A.ELIGIBLE,
        A.INELIGIBLE,
        A.UNDER_REVIEW,
        A.RETURNED_FOR_CORRECTION,
        A.SHORTLISTED,
        A.SELECTED,
        A.WAITLISTED,
        A.PLACED,
    }
)

APPLICATION_TRANSITIONS = {
    (A.DRAFT, A.SUBMITTED): Actor.OWNER,
    (A.RETURNED_FOR_CORRECTION, A.SUBMITTED): Actor.OWNER,
    (A.SUBMITTED, A.ELIGIBLE): Actor.SYSTEM,
    (A.SUBMITTED, A.INELIGIBLE): Actor.SYSTEM,
    (A.ELIGIBLE, A.INELIGIBLE): Actor.SYSTEM,
    (A.INELIGIBLE, A.ELIGIBLE): Actor.SYSTEM,
    (A.ELIGIBLE, A.UNDER_REVIEW): Actor.STAFF,
    (A.UNDER_REVIEW, A.SHORTLISTED): Actor.MANAGER,
    (A.UNDER_REVIEW, A.REJECTED): Actor.MANAGER,
    (A.UNDER_REVIEW, A.RETURNED_FOR_CORRECTION): Actor.MANAGER,
    (A.SHORTLISTED, A.SELECTED): Actor.MANAGER,
    (A.SHORTLISTED, A.WAITLISTED): Actor.MANAGER,
    (A.SHORTLISTED, A.REJECTED): Actor.MANAGER,
    (A.WAITLISTED, A.SELECTED): Actor.MANAGER,
    (A.WAITLISTED, A.REJECTED): Actor.MANAGER,
    # Taken out of a contingent, or declined by the partner: back among the shortlisted.
    (A.SELECTED, A.SHORTLISTED): {Actor.MANAGER, Actor.SYSTEM},
    (A.SELECTED, A.PLACED): Actor.SYSTEM,
    (A.PLACED, A.ON_MISSION): Actor.SYSTEM,
    (A.ON_MISSION, A.COMPLETED): Actor.SYSTEM,
    (A.ON_MISSION, A.INTERRUPTED): Actor.SYSTEM,
    **{(status, A.WITHDRAWN): Actor.OWNER for status in APPLICATION_WITHDRAWABLE},
}


class ContingentStatus(models.TextChoices):
    FORMING = "forming", _("En constitution")
    SENT_TO_PARTNER = "sent_to_partner", _("Envoyé au partenaire")
    CONFIRMED = "confirmed", _("Confirmé")
    DEPARTED = "departed", _("Parti")
    COMPLETED = "completed", _("Terminé")


C = ContingentStatus
CONTINGENT_TRANSITIONS = {
    (C.FORMING, C.SENT_TO_PARTNER): Actor.MANAGER,
    (C.SENT_TO_PARTNER, C.CONFIRMED): Actor.SYSTEM,  # every placement decided
    (C.CONFIRMED, C.SENT_TO_PARTNER): Actor.MANAGER,  # a freed seat is offered again
    (C.CONFIRMED, C.DEPARTED): {Actor.MANAGER, Actor.SYSTEM},  # or: every placement departed
    (C.DEPARTED, C.COMPLETED): Actor.SYSTEM,  # every placement ended
}


class PlacementStatus(models.TextChoices):
    # `planned` and `cancelled` complete PRODUCT's list: a placement exists while its contingent
    # forms, before the partner sees it, and ends `cancelled` when the volunteer withdraws.
    PLANNED = "planned", _("Prévue")
    PROPOSED = "proposed", _("Proposée au partenaire")
    CONFIRMED = "confirmed", _("Confirmée")
    DECLINED = "declined", _("Refusée par le partenaire")
    CANCELLED = "cancelled", _("Annulée")
    DEPARTED = "departed", _("Partie")
    COMPLETED = "completed", _("Terminée")
    INTERRUPTED = "interrupted", _("Interrompue")


P = PlacementStatus
# Placements that hold a seat of their contingent.
PLACEMENT_HOLDS_SEAT = frozenset(
    {P.PLANNED, P.PROPOSED, P.CONFIRMED, P.DEPARTED, P.COMPLETED, P.INTERRUPTED}
)
# Placements that keep the volunteer busy (one at a time).
PLACEMENT_BUSY = frozenset({P.CONFIRMED, P.DEPARTED})
PLACEMENT_ENDED = frozenset({P.COMPLETED, P.INTERRUPTED})
PLACEMENT_TRANSITIONS = {
    (P.PLANNED, P.PROPOSED): Actor.MANAGER,
    (P.PROPOSED, P.CONFIRMED): Actor.COORDINATOR,
    (P.PROPOSED, P.DECLINED): Actor.COORDINATOR,
    (P.CONFIRMED, P.DEPARTED): {Actor.COORDINATOR, Actor.MANAGER},
    (P.DEPARTED, P.COMPLETED): {Actor.COORDINATOR, Actor.MANAGER},
    (P.DEPARTED, P.INTERRUPTED): {Actor.COORDINATOR, Actor.MANAGER},
    (P.PLANNED, P.CANCELLED): {Actor.MANAGER, Actor.SYSTEM},  # removed, or the volunteer withdrew
    (P.PROPOSED, P.CANCELLED): Actor.SYSTEM,
    (P.CONFIRMED, P.CANCELLED): Actor.SYSTEM,
}


class IncomingStatus(models.TextChoices):
    DECLARED = "declared", _("Déclaré·e")
    VALIDATED = "validated", _("Validé·e par l'ANVT")
    ARRIVED = "arrived", _("Arrivé·e au Togo")
    COMPLETED = "completed", _("Mission terminée")


INCOMING_TRANSITIONS = {
    (IncomingStatus.DECLARED, IncomingStatus.VALIDATED): Actor.MANAGER,
    (IncomingStatus.VALIDATED, IncomingStatus.ARRIVED): {Actor.COORDINATOR, Actor.MANAGER},
    (IncomingStatus.ARRIVED, IncomingStatus.COMPLETED): {Actor.COORDINATOR, Actor.MANAGER},
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
