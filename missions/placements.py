"""Contingents and the placement handshake: ANVT proposes, the sending partner confirms, then the
host structure; each step has a deadline. Then the dates of the mission, which can be corrected.

One function per move, each in one transaction, with its audit row (workflow.transition or a
PlacementEvent) and its notifications queued in the same transaction. Locks are always taken in
the one order of the codebase: the application, then its placement, then the contingent.

Each party is told only what is decided: the volunteer reads "proposée" while the partners
decide and "sélectionnée" once the last of them has confirmed; a partner's reason for declining
reaches her only when the partner marks it as shareable.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import PROGRAMME_MANAGERS_GROUP
from audit.models import StatusChange
from missions import hostlinks, rules, webhooks
from missions.enums import (
    PLACEMENT_AWAITING,
    PLACEMENT_HOLDS_SEAT,
    ApplicationStatus,
    ContingentStatus,
    Party,
    PlacementEventKind,
    PlacementStatus,
)
from missions.models import (
    Application,
    Call,
    Contingent,
    Mission,
    Placement,
    PlacementEvent,
)
from missions.signals import placement_completed, placement_confirmed, placement_dates_corrected
from missions.workflow import WorkflowError, transition
from notifications.services import Message, notify, queue
from partners.enums import MembershipRole

# The dated events of a placement, and the field of each.
DATED_EVENTS = {
    "departure": "actual_departure",
    "arrival": "arrival_date",
    "return": "return_date",
}


def programme_managers():
    return get_user_model().objects.filter(groups__name=PROGRAMME_MANAGERS_GROUP, is_active=True)


def coordinators(partner_id: int):
    return get_user_model().objects.filter(
        partner_membership__organisation_id=partner_id,
        partner_membership__role=MembershipRole.COORDINATOR,
        is_active=True,
    )


def notify_application_status(
    application: Application, *, reason: str = "", placement: Placement | None = None
) -> None:
    """Tell the volunteer her application's new status, with what comes next; a placement's
    news link to her placement page."""
    link = (
        reverse("volunteers:placement", args=[placement.pk])
        if placement is not None and placement.status != PlacementStatus.PLANNED
        else reverse("volunteers:application", args=[application.pk])
    )
    notify(
        application.volunteer,
        "application_status",
        # Labels are rendered in the recipient's language, from the objects themselves.
        {"application": application, "reason": reason, "placement": placement},
        link=link,
    )


def require_partner_coordinator(actor, organisation_id: int | None) -> None:
    if not (rules.is_coordinator_of(actor, organisation_id) or rules.is_programme_manager(actor)):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))


# Contingents -------------------------------------------------------------------------------------


def create_contingent(
    *, actor, call: Call, partner, name: str, capacity: int, planned_departure: date | None = None
) -> Contingent:
    if not rules.is_programme_manager(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if capacity < 1:
        raise WorkflowError(_("Un contingent compte au moins une place."))
    return Contingent.objects.create(
        call=call,
        partner=partner,
        name=name,
        capacity=capacity,
        planned_departure=planned_departure,
    )


def count_seats(contingent: Contingent) -> None:
    """Set the contingent's seats to the number of its placements that hold one, counted under
    the contingent's row lock (the last lock of the order), so that two simultaneous changes
    count each other; the database refuses more seats than the capacity (check constraint)."""
    with transaction.atomic():
        Contingent.objects.select_for_update().filter(pk=contingent.pk).values("pk").first()
        taken = Placement.objects.filter(
            contingent=contingent, status__in=PLACEMENT_HOLDS_SEAT
        ).count()
        try:
            with transaction.atomic():
                Contingent.objects.filter(pk=contingent.pk).update(seats_taken=taken)
        except IntegrityError as exc:
            raise WorkflowError(
                _("Le contingent « %(name)s » est complet.") % {"name": contingent.name}
            ) from exc
    contingent.seats_taken = taken


def settle_contingent(contingent: Contingent) -> None:
    """Move the contingent on when its placements have all moved on. Read under the contingent's
    row lock (the last of the order), so that two last decisions at once see each other."""
    Contingent.objects.select_for_update().filter(pk=contingent.pk).values("pk").first()
    contingent.status = Contingent.objects.values_list("status", flat=True).get(pk=contingent.pk)
    statuses = set(contingent.placements.values_list("status", flat=True))
    live = statuses - {PlacementStatus.DECLINED, PlacementStatus.CANCELLED}
    left = {
        PlacementStatus.DEPARTED,
        PlacementStatus.ARRIVED,
        PlacementStatus.COMPLETED,
        PlacementStatus.INTERRUPTED,
    }
    if (
        contingent.status == ContingentStatus.SENT_TO_PARTNER
        and live
        and not live
        & {
            PlacementStatus.PLANNED,
            *PLACEMENT_AWAITING,
        }
    ):
        transition(contingent, ContingentStatus.CONFIRMED, actor=None, job="placements_decided")
    elif contingent.status == ContingentStatus.CONFIRMED and live and live <= left:
        transition(contingent, ContingentStatus.DEPARTED, actor=None, job="placements_departed")
    if (
        contingent.status == ContingentStatus.DEPARTED
        and live
        and live <= {PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED}
    ):
        transition(contingent, ContingentStatus.COMPLETED, actor=None, job="placements_ended")


def add_to_contingent(
    contingent: Contingent, *, actor, application: Application, mission: Mission
) -> Placement:
    """Put a shortlisted (or waitlisted) application in a contingent, for one of its chosen
    missions. While the contingent forms, nothing is said to anyone; in a contingent already with
    its partner, the placement is proposed at once."""
    if not rules.is_programme_manager(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if application.call_id != contingent.call_id:
        raise WorkflowError(_("Cette candidature ne relève pas de l'appel de ce contingent."))
    if contingent.status not in (
        ContingentStatus.FORMING,
        ContingentStatus.SENT_TO_PARTNER,
        ContingentStatus.CONFIRMED,
    ):
        raise WorkflowError(_("Ce contingent n'accepte plus de volontaires."))
    if not application.choices.filter(mission=mission).exists():
        raise WorkflowError(_("Le ou la volontaire n'a pas choisi cette mission."))
    previous_status = application.status
    try:
        with transaction.atomic():
            placement = _place(contingent, actor=actor, application=application, mission=mission)
    except WorkflowError:
        application.status = previous_status  # the database was rolled back; so is the object
        raise
    return placement


def _place(contingent: Contingent, *, actor, application: Application, mission: Mission):
    """The writes of add_to_contingent, inside its transaction."""
    # The application is locked first: a second, simultaneous click finds its placement.
    application.status = (
        Application.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=application.pk)
    )
    if application.status not in (ApplicationStatus.SHORTLISTED, ApplicationStatus.WAITLISTED):
        raise WorkflowError(
            _("Seule une candidature présélectionnée ou sur liste d'attente peut être ajoutée.")
        )
    held = application.placements.filter(status__in=PLACEMENT_HOLDS_SEAT).select_related(
        "contingent"
    )
    if held:
        raise WorkflowError(
            _("Cette candidature est déjà dans le contingent « %(name)s ».")
            % {"name": held[0].contingent.name}
        )
    placement = Placement.objects.create(
        contingent=contingent,
        application=application,
        volunteer_id=application.volunteer_id,
        mission=mission,
        # A host distinct from the partner confirms in its turn.
        host_id=mission.host_id if mission.host_id != contingent.partner_id else None,
    )
    count_seats(contingent)
    if contingent.status != ContingentStatus.FORMING:
        # The contingent is already with the partner: offer the freed seat at once.
        if contingent.status == ContingentStatus.CONFIRMED:
            transition(contingent, ContingentStatus.SENT_TO_PARTNER, actor=actor)
        _propose(contingent, [placement], actor=actor)
    return placement


def remove_from_contingent(placement: Placement, *, actor) -> None:
    """Take a planned placement out of a forming contingent; its application, never told, keeps
    its status."""
    if placement.status != PlacementStatus.PLANNED:
        raise WorkflowError(_("Seule une affectation pas encore proposée peut être retirée."))
    with transaction.atomic():
        _lock_application_of(placement)
        if not transition(placement, PlacementStatus.CANCELLED, actor=actor):
            return  # a second click: already removed, its seat already freed
        count_seats(placement.contingent)


def _propose(contingent: Contingent, placements: list[Placement], *, actor) -> None:
    now = timezone.now()
    deadline = now + timedelta(days=contingent.call.confirmation_days)
    for placement in placements:
        placement.proposed_at = now
        placement.deadline = deadline
        transition(
            placement,
            PlacementStatus.PROPOSED,
            actor=actor,
            update_fields=["proposed_at", "deadline"],
        )
        application = placement.application
        application.decided_at = application.decided_at or now
        transition(
            application, ApplicationStatus.PROPOSED, actor=actor, update_fields=["decided_at"]
        )
        notify_application_status(application, placement=placement)
    webhooks.placements_proposed(contingent.partner_id, placements)
    queue(
        Message(
            user=coordinator,
            event="placement_proposed",
            context={"contingent": contingent, "count": len(placements), "deadline": deadline},
            # Where the coordinator confirms or declines each placement.
            link=reverse("partners:contingent", args=[contingent.pk]),
        )
        for coordinator in coordinators(contingent.partner_id)
    )


def send_contingent(contingent: Contingent, *, actor) -> None:
    """Send the contingent to its partner: its placements are proposed, each with its deadline,
    the volunteers told "proposée", the partner's coordinators told what waits for them."""
    with transaction.atomic():
        # The lock order: the applications, then their placements, then the contingent.
        planned = contingent.placements.filter(status=PlacementStatus.PLANNED)
        list(
            Application.objects.select_for_update()
            .filter(pk__in=planned.values("application_id"))
            .order_by("pk")
            .values("pk")
        )
        placements = list(
            planned.select_for_update().select_related("application__volunteer").order_by("pk")
        )
        if not placements:
            if Contingent.objects.filter(
                pk=contingent.pk, status=ContingentStatus.FORMING
            ).exists():
                raise WorkflowError(
                    _("Ajoutez au moins un·e volontaire avant d'envoyer le contingent.")
                )
            return  # a second click: already sent, the partner was told once
        if not transition(contingent, ContingentStatus.SENT_TO_PARTNER, actor=actor):
            return
        _propose(contingent, placements, actor=actor)


# The chain of confirmations -----------------------------------------------------------------------


def _lock_application_of(placement: Placement) -> None:
    """Take the locks in the one order of the codebase: the application, then its placement,
    then the contingent (ARCHITECTURE.md). A placement's move also moves its application, and
    the volunteer's withdrawal moves the application before its placements: without this, a
    partner confirming while the volunteer withdraws would deadlock."""
    list(Application.objects.select_for_update().filter(pk=placement.application_id).values("pk"))


def _lock(placement: Placement) -> None:
    """Lock the application, then the placement, and read the placement's state as it is now:
    of two parties deciding at once, the second reads the first one's decision."""
    _lock_application_of(placement)
    fresh = Placement.objects.select_for_update().get(pk=placement.pk)
    for name in (
        "status",
        "deadline",
        "host_token",
        "host_decided_at",
        "decided_at",
        *DATED_EVENTS.values(),
    ):
        setattr(placement, name, getattr(fresh, name))


def _expect(placement: Placement, status: str) -> None:
    """Refuse a decision on a placement that is not at that step, or past its deadline."""
    if placement.status != status:
        raise WorkflowError(
            _("Cette affectation n'attend pas cette décision : elle est maintenant « %(status)s ».")
            % {"status": placement.get_status_display()}
        )
    if placement.deadline_passed():
        raise WorkflowError(
            _(
                "La date limite de réponse (%(date)s) est dépassée : l'ANVT est prévenue et peut "
                "la prolonger."
            )
            % {"date": date_format(timezone.localtime(placement.deadline), "DATETIME_FORMAT")}
        )


def _notify_managers(placement: Placement, *, party: str, confirmed: bool, reason: str = ""):
    context = {
        "placement": placement,
        "volunteer_name": str(placement.volunteer),
        "party": party,
        "confirmed": confirmed,
        "reason": reason,
    }
    queue(
        Message(
            user=manager,
            event="placement_decided",
            context=context,
            link=reverse("staff:placement", args=[placement.pk]),
        )
        for manager in programme_managers()
    )


def _ask_host(placement: Placement, *, actor=None, event: str = "host_request") -> None:
    """Send the host's contact a new link (the previous one stops working)."""
    host = placement.host
    placement.host_token = hostlinks.new_secret()
    placement.save(update_fields=["host_token"])
    if host.contact_email:
        queue(
            [
                Message(
                    user=None,
                    to_address=host.contact_email,
                    language=settings.LANGUAGE_CODE,
                    event=event,
                    context={"placement": placement, "host": host},
                    link=hostlinks.link_path(placement),
                )
            ]
        )
    PlacementEvent.objects.create(
        placement=placement,
        kind=PlacementEventKind.HOST_LINK_SENT,
        party=Party.HOST,
        actor=actor,
        data={"to": host.contact_email, "deadline": placement.deadline.isoformat()},
    )


def confirm_placement(placement: Placement, *, actor) -> None:
    """The sending partner confirms: the host structure is asked in its turn (with its own
    deadline), or, when the partner hosts the volunteer itself, every party has confirmed."""
    with transaction.atomic():
        _lock(placement)
        _expect(placement, PlacementStatus.PROPOSED)
        now = timezone.now()
        placement.decided_at = now
        if placement.host_id:
            placement.deadline = now + timedelta(days=placement.contingent.call.confirmation_days)
            transition(
                placement,
                PlacementStatus.HOST_PENDING,
                actor=actor,
                update_fields=["decided_at", "deadline"],
            )
            _ask_host(placement, actor=actor)
            _notify_managers(placement, party=Party.PARTNER, confirmed=True)
            return
        placement.deadline = None
        _confirmed(placement, actor=actor, job="", update_fields=["decided_at", "deadline"])


def _confirmed(placement: Placement, *, actor, job: str, update_fields, reason: str = "") -> None:
    """The last confirmation: the placement is confirmed, the volunteer selected and told."""
    try:
        with transaction.atomic():
            transition(
                placement,
                PlacementStatus.CONFIRMED,
                actor=actor,
                job=job,
                reason=reason,
                update_fields=update_fields,
            )
    except IntegrityError as exc:
        raise WorkflowError(
            _("Ce ou cette volontaire a déjà une mission confirmée sur la même période.")
        ) from exc
    transition(
        placement.application, ApplicationStatus.SELECTED, actor=None, job="placement_confirmed"
    )
    placement_confirmed.send(sender=Placement, placement=placement)
    notify_application_status(placement.application, placement=placement)
    _notify_managers(
        placement, party=Party.HOST if placement.host_id else Party.PARTNER, confirmed=True
    )
    settle_contingent(placement.contingent)


def decline_placement(placement: Placement, *, actor, reason: str, shared: bool = False) -> None:
    """The sending partner declines, with its reason (told to the volunteer only if `shared`)."""
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif du refus."))
    with transaction.atomic():
        _lock(placement)
        _expect(placement, PlacementStatus.PROPOSED)
        placement.decided_at = timezone.now()
        _declined(placement, party=Party.PARTNER, actor=actor, job="", reason=reason, shared=shared)


def _declined(placement: Placement, *, party: str, actor, job: str, reason: str, shared: bool):
    placement.declined_by = party
    placement.decline_reason = reason.strip()
    placement.decline_reason_shared = shared
    placement.deadline = None
    placement.host_token = ""
    transition(
        placement,
        PlacementStatus.DECLINED,
        actor=actor,
        job=job,
        reason=reason.strip(),
        update_fields=[
            "decided_at",
            "host_decided_at",
            "host_decided_by",
            "declined_by",
            "decline_reason",
            "decline_reason_shared",
            "deadline",
            "host_token",
        ],
    )
    _back_on_shortlist(placement, job="placement_declined", reason=reason.strip() if shared else "")
    _notify_managers(placement, party=party, confirmed=False, reason=reason.strip())


def _back_on_shortlist(placement: Placement, *, job: str, reason: str = "") -> None:
    """The seat returns to the contingent; the application returns among the shortlisted, and
    the volunteer reads what happens next (ANVT may propose her elsewhere)."""
    count_seats(placement.contingent)
    transition(
        placement.application, ApplicationStatus.SHORTLISTED, actor=None, job=job, reason=reason
    )
    notify_application_status(placement.application, reason=reason.strip(), placement=placement)
    settle_contingent(placement.contingent)


def host_confirm(placement: Placement, *, token: str, name: str) -> None:
    """The host structure's contact confirms through the link (`name`: who confirms)."""
    if not name.strip():
        raise WorkflowError(_("Indiquez votre nom."))
    with transaction.atomic():
        _lock(placement)
        hostlinks.check(placement, token)
        placement.host_decided_at = timezone.now()
        placement.host_decided_by = name.strip()[:150]
        placement.deadline = None
        placement.host_token = ""  # the link is used up
        _confirmed(
            placement,
            actor=None,
            job="host_link",
            reason=name.strip(),
            update_fields=["host_decided_at", "host_decided_by", "deadline", "host_token"],
        )


def host_decline(placement: Placement, *, token: str, name: str, reason: str, shared: bool):
    if not name.strip():
        raise WorkflowError(_("Indiquez votre nom."))
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif du refus."))
    with transaction.atomic():
        _lock(placement)
        hostlinks.check(placement, token)
        placement.host_decided_at = timezone.now()
        placement.host_decided_by = name.strip()[:150]
        _declined(
            placement,
            party=Party.HOST,
            actor=None,
            job="host_link",
            reason=reason,
            shared=shared,
        )


def extend_deadline(placement: Placement, *, actor, days: int) -> None:
    """A programme manager gives the waiting party more time (from now when the deadline has
    passed); the party is told, and a host gets a fresh link."""
    if not rules.is_programme_manager(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if not 1 <= days <= 60:
        raise WorkflowError(_("Prolongez de 1 à 60 jours."))
    with transaction.atomic():
        _lock(placement)
        if placement.status not in PLACEMENT_AWAITING:
            raise WorkflowError(_("Cette affectation n'attend la réponse de personne."))
        start = max(placement.deadline or timezone.now(), timezone.now())
        placement.deadline = start + timedelta(days=days)
        placement.save(update_fields=["deadline"])
        party = placement.waiting_for
        PlacementEvent.objects.create(
            placement=placement,
            kind=PlacementEventKind.DEADLINE_EXTENDED,
            party=party,
            actor=actor,
            data={"deadline": placement.deadline.isoformat(), "days": days},
        )
        if party == Party.HOST:
            _ask_host(placement, actor=actor, event="host_reminder")
        else:
            queue(
                Message(
                    user=coordinator,
                    event="confirmation_reminder",
                    context={
                        "placement": placement,
                        "volunteer_name": str(placement.volunteer),
                        "deadline": placement.deadline,
                        "extended": True,
                    },
                    link=reverse("partners:placement", args=[placement.pk]),
                )
                for coordinator in coordinators(placement.contingent.partner_id)
            )


def withdraw_proposal(placement: Placement, *, actor, reason: str) -> None:
    """A programme manager takes back a proposal left unanswered (or for another reason): the
    seat is freed and the volunteer is back on the shortlist, told so."""
    if not reason.strip():
        raise WorkflowError(_("Indiquez pourquoi la proposition est retirée."))
    with transaction.atomic():
        _lock(placement)
        if placement.status not in PLACEMENT_AWAITING:
            raise WorkflowError(_("Seule une proposition en attente de réponse peut être retirée."))
        placement.deadline = None
        placement.host_token = ""
        transition(
            placement,
            PlacementStatus.CANCELLED,
            actor=actor,
            reason=reason.strip(),
            update_fields=["deadline", "host_token"],
        )
        webhooks.placement_cancelled(placement)
        _back_on_shortlist(placement, job="proposal_withdrawn")


def cancel_for_withdrawal(application: Application) -> None:
    """The volunteer withdrew (her application is locked): her live placements are cancelled."""
    for placement in application.placements.filter(
        status__in=[PlacementStatus.PLANNED, *PLACEMENT_AWAITING, PlacementStatus.CONFIRMED]
    ).select_related("contingent"):
        told = placement.status != PlacementStatus.PLANNED  # the partner knows of it
        placement.deadline = None
        placement.host_token = ""
        transition(
            placement,
            PlacementStatus.CANCELLED,
            actor=None,
            job="application_withdrawn",
            update_fields=["deadline", "host_token"],
        )
        if told:
            webhooks.placement_cancelled(placement)
        count_seats(placement.contingent)
        settle_contingent(placement.contingent)


# Dates of the mission ----------------------------------------------------------------------------


def _not_in_future(on: date, message: str) -> None:
    """Refuse a date to come: an event is recorded once it has happened (planned dates are the
    contingent's and the mission's)."""
    if on > timezone.localdate():
        raise WorkflowError(message)


def _not_before(on: date, earlier: date | None, message: str) -> None:
    if earlier is not None and on < earlier:
        raise WorkflowError(message)


def _expect_status(placement: Placement, statuses, message: str) -> None:
    if placement.status not in statuses:
        raise WorkflowError(message)


def _moved_on(placement, to: str, application_to: str, *, actor, job: str, fields, reason=""):
    """A dated event recorded: the placement moves, its application follows, the volunteer is
    told, and the contingent moves on once all its placements have."""
    transition(placement, to, actor=actor, reason=reason, update_fields=fields)
    transition(placement.application, application_to, actor=None, job=job)
    notify_application_status(placement.application, reason=reason, placement=placement)
    settle_contingent(placement.contingent)


def record_departure(placement: Placement, *, actor, on: date) -> None:
    _not_in_future(on, _("Un départ s'enregistre le jour même ou après : cette date est à venir."))
    with transaction.atomic():
        _lock(placement)
        _expect_status(
            placement,
            {PlacementStatus.CONFIRMED},
            _("Le départ s'enregistre une fois l'affectation confirmée par toutes les parties."),
        )
        placement.actual_departure = on
        _moved_on(
            placement,
            PlacementStatus.DEPARTED,
            ApplicationStatus.DEPARTED,
            actor=actor,
            job="placement_departed",
            fields=["actual_departure"],
        )


def record_arrival(placement: Placement, *, actor, on: date) -> None:
    _not_in_future(
        on, _("Une arrivée s'enregistre le jour même ou après : cette date est à venir.")
    )
    with transaction.atomic():
        _lock(placement)
        _expect_status(
            placement,
            {PlacementStatus.DEPARTED},
            _("Enregistrez d'abord le départ du ou de la volontaire.")
            if placement.status == PlacementStatus.CONFIRMED
            else _("L'arrivée est déjà enregistrée."),
        )
        _not_before(on, placement.actual_departure, _("L'arrivée ne peut pas précéder le départ."))
        placement.arrival_date = on
        _moved_on(
            placement,
            PlacementStatus.ARRIVED,
            ApplicationStatus.ON_MISSION,
            actor=actor,
            job="placement_arrived",
            fields=["arrival_date"],
        )


def record_return(placement: Placement, *, actor, on: date) -> None:
    _not_in_future(on, _("Un retour s'enregistre le jour même ou après : cette date est à venir."))
    with transaction.atomic():
        _lock(placement)
        _expect_status(
            placement,
            {PlacementStatus.ARRIVED},
            _("Enregistrez d'abord l'arrivée du ou de la volontaire.")
            if placement.status == PlacementStatus.DEPARTED
            else _("Cette mission n'est pas en cours."),
        )
        _not_before(
            on,
            placement.arrival_date or placement.actual_departure,
            _("Le retour ne peut pas précéder l'arrivée."),
        )
        placement.return_date = on
        _moved_on(
            placement,
            PlacementStatus.COMPLETED,
            ApplicationStatus.COMPLETED,
            actor=actor,
            job="placement_completed",
            fields=["return_date"],
        )
        placement_completed.send(sender=Placement, placement=placement)


def interrupt_placement(placement: Placement, *, actor, on: date, reason: str) -> None:
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif de l'interruption."))
    _not_in_future(on, _("Un retour s'enregistre le jour même ou après : cette date est à venir."))
    with transaction.atomic():
        _lock(placement)
        _expect_status(
            placement,
            {PlacementStatus.DEPARTED, PlacementStatus.ARRIVED},
            _("Cette mission n'est pas en cours."),
        )
        _not_before(
            on, placement.actual_departure, _("La date de retour précède la date de départ.")
        )
        placement.return_date = on
        placement.interruption_reason = reason.strip()
        _moved_on(
            placement,
            PlacementStatus.INTERRUPTED,
            ApplicationStatus.INTERRUPTED,
            actor=actor,
            job="placement_interrupted",
            fields=["return_date", "interruption_reason"],
            reason=reason.strip(),
        )


def _recording(placement: Placement, event: str) -> StatusChange | None:
    statuses = {
        "departure": [PlacementStatus.DEPARTED],
        "arrival": [PlacementStatus.ARRIVED],
        "return": [PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED],
    }[event]
    return (
        StatusChange.objects.for_object(placement)
        .filter(to_status__in=statuses)
        .select_related("actor")
        .last()
    )


def may_correct(placement: Placement, event: str, user, *, recording=None) -> bool:
    """A recorded date is corrected by the role that recorded it (a coordinator of the partner
    that recorded it) or by a programme manager, within PLACEMENT_DATE_CORRECTION_DAYS."""
    field_name = DATED_EVENTS[event]
    if getattr(placement, field_name) is None:
        return False
    recording = recording or _recording(placement, event)
    if recording is None:
        return False
    limit = timedelta(days=settings.PLACEMENT_DATE_CORRECTION_DAYS)
    if timezone.now() - recording.created_at > limit:
        return False
    if rules.is_programme_manager(user):
        return True
    partner_id = placement.contingent.partner_id
    return (
        rules.is_coordinator_of(user, partner_id)
        and recording.actor is not None
        and rules.is_coordinator_of(recording.actor, partner_id)
    )


def correct_date(placement: Placement, *, actor, event: str, on: date, reason: str) -> None:
    """Correct a recorded departure, arrival or return, with a reason: audited (a PlacementEvent
    with the old and the new date) and told to the volunteer and the programme managers."""
    if event not in DATED_EVENTS:
        raise WorkflowError(_("Cette date ne peut pas être corrigée."))
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif de la correction."))
    field_name = DATED_EVENTS[event]
    with transaction.atomic():
        _lock(placement)
        if not may_correct(placement, event, actor):
            raise WorkflowError(
                _(
                    "Cette date ne peut être corrigée que par qui l'a enregistrée ou par un·e "
                    "responsable de programme, dans les %(days)s jours."
                )
                % {"days": settings.PLACEMENT_DATE_CORRECTION_DAYS}
            )
        _not_in_future(on, _("La date corrigée ne peut pas être à venir."))
        old = getattr(placement, field_name)
        if on == old:
            raise WorkflowError(_("C'est déjà la date enregistrée."))
        dates = {
            "actual_departure": placement.actual_departure,
            "arrival_date": placement.arrival_date,
            "return_date": placement.return_date,
            field_name: on,
        }
        order = [dates["actual_departure"], dates["arrival_date"], dates["return_date"]]
        known = [d for d in order if d is not None]
        if known != sorted(known):
            raise WorkflowError(
                _("Les dates doivent se suivre : départ, puis arrivée, puis retour.")
            )
        setattr(placement, field_name, on)
        placement.save(update_fields=[field_name])
        placement_dates_corrected.send(sender=Placement, placement=placement)
        PlacementEvent.objects.create(
            placement=placement,
            kind=PlacementEventKind.DATE_CORRECTED,
            actor=actor,
            data={
                "event": event,
                "old": old.isoformat(),
                "new": on.isoformat(),
                "reason": reason.strip(),
            },
        )
        context = {
            "placement": placement,
            "event": event,
            "old": old,
            "new": on,
            "reason": reason.strip(),
            "volunteer_name": str(placement.volunteer),
        }
        # Each is told with a link to the placement in their own space.
        told = {m.pk: (m, "staff:placement") for m in programme_managers()}
        if rules.is_programme_manager(actor):
            told |= {
                c.pk: (c, "partners:placement")
                for c in coordinators(placement.contingent.partner_id)
            }
        told[placement.volunteer_id] = (placement.volunteer, "volunteers:placement")
        queue(
            Message(
                user=user,
                event="date_corrected",
                context=context,
                link=reverse(space, args=[placement.pk]),
            )
            for user, space in told.values()
            if user.pk != actor.pk
        )
