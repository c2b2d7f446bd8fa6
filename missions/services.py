"""Writes of the programme: applications, eligibility, contingents, placements, missions and
incoming volunteers. One function per transition; each runs in one transaction, writes the audit
row through `workflow.transition`, and queues its notifications and jobs for after the commit.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import PROGRAMME_MANAGERS_GROUP
from anvt.celery import delay_on_commit
from missions import rules
from missions.checking import start_batch
from missions.enums import (
    APPLICATION_DECIDED,
    APPLICATION_EDITABLE,
    APPLICATION_OPEN,
    APPLICATION_REVIEWABLE,
    PLACEMENT_HOLDS_SEAT,
    ApplicationStatus,
    ContingentStatus,
    IncomingStatus,
    MissionStatus,
    PlacementStatus,
)
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    Contingent,
    EligibilityBatch,
    IncomingVolunteer,
    Mission,
    MissionLanguage,
    Placement,
    Review,
)
from missions.tasks import check_application_eligibility
from missions.workflow import WorkflowError, transition
from notifications.services import Message, notify, queue
from partners.enums import MembershipRole
from volunteers.enums import VerificationStatus
from volunteers.models import Document, Experience


def _programme_managers():
    return get_user_model().objects.filter(groups__name=PROGRAMME_MANAGERS_GROUP, is_active=True)


def _coordinators(partner_id: int):
    return get_user_model().objects.filter(
        partner_membership__organisation_id=partner_id,
        partner_membership__role=MembershipRole.COORDINATOR,
        is_active=True,
    )


def _application_link(application: Application) -> str:
    return reverse("volunteers:application", args=[application.pk])


def _notify_application_status(application: Application, *, reason: str = "") -> None:
    notify(
        application.volunteer,
        "application_status",
        # Labels are rendered in the recipient's language, from the objects themselves.
        {"application": application, "reason": reason},
        link=_application_link(application),
    )


# Applications ------------------------------------------------------------------------------------


def start_application(*, volunteer, call: Call) -> Application:
    """The volunteer's draft for a call (created once; the same draft is returned after)."""
    if not call.is_open():
        raise WorkflowError(_("Cet appel à candidatures est clos."))
    application, _created = Application.objects.get_or_create(volunteer=volunteer, call=call)
    return application


def _ensure_editable(application: Application, actor) -> None:
    if application.volunteer_id != getattr(actor, "pk", None):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if application.status not in APPLICATION_EDITABLE:
        raise WorkflowError(_("Cette candidature ne peut plus être modifiée."))
    if not application.call.is_open():
        raise WorkflowError(
            _("L'appel à candidatures est clos : la candidature ne peut plus être modifiée.")
        )


def choose_missions(application: Application, *, actor, missions: Sequence[Mission]) -> None:
    """Replace the application's choices by `missions`, in order of preference."""
    _ensure_editable(application, actor)
    if len(missions) > application.call.max_choices:
        raise WorkflowError(
            _("Vous pouvez choisir au plus %(n)s missions.") % {"n": application.call.max_choices}
        )
    if len({mission.pk for mission in missions}) != len(missions):
        raise WorkflowError(_("Chaque mission ne peut être choisie qu'une fois."))
    offered = set(
        application.call.missions.filter(status=MissionStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    if any(mission.pk not in offered for mission in missions):
        raise WorkflowError(_("Cette mission n'est pas proposée par cet appel."))
    with transaction.atomic():
        application.choices.all().delete()
        ApplicationChoice.objects.bulk_create(
            ApplicationChoice(application=application, mission=mission, rank=rank)
            for rank, mission in enumerate(missions, start=1)
        )


def save_motivation(application: Application, *, actor, motivation: str) -> None:
    _ensure_editable(application, actor)
    application.motivation = motivation.strip()
    application.save(update_fields=["motivation", "updated_at"])


def submit_application(application: Application, *, actor) -> None:
    """Send the application; its eligibility is checked by a job once the transaction commits."""
    _ensure_editable(application, actor)
    if not application.choices.exists():
        raise WorkflowError(_("Choisissez au moins une mission avant d'envoyer votre candidature."))
    if not application.motivation.strip():
        raise WorkflowError(_("Écrivez votre motivation avant d'envoyer votre candidature."))
    with transaction.atomic():
        application.submitted_at = timezone.now()
        if not transition(
            application, ApplicationStatus.SUBMITTED, actor=actor, update_fields=["submitted_at"]
        ):
            return  # a second click: already submitted, nothing more to say
        notify(
            application.volunteer,
            "application_submitted",
            {"application": application},
            link=_application_link(application),
        )
        delay_on_commit(check_application_eligibility, application_id=application.pk)


def _staff_move(application: Application, to_status: str, *, actor, reason: str = "") -> None:
    with transaction.atomic():
        fields = []
        if to_status in APPLICATION_DECIDED and application.decided_at is None:
            application.decided_at = timezone.now()
            fields.append("decided_at")
        if transition(application, to_status, actor=actor, reason=reason, update_fields=fields):
            _notify_application_status(application, reason=reason)


def start_review(application: Application, *, actor) -> None:
    with transaction.atomic():
        transition(application, ApplicationStatus.UNDER_REVIEW, actor=actor)


def shortlist(application: Application, *, actor) -> None:
    _staff_move(application, ApplicationStatus.SHORTLISTED, actor=actor)


def waitlist(application: Application, *, actor) -> None:
    _staff_move(application, ApplicationStatus.WAITLISTED, actor=actor)


def reject(application: Application, *, actor, reason: str) -> None:
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif du refus."))
    _staff_move(application, ApplicationStatus.REJECTED, actor=actor, reason=reason.strip())


def return_for_correction(application: Application, *, actor, reason: str) -> None:
    if not reason.strip():
        raise WorkflowError(_("Indiquez ce que le ou la volontaire doit corriger."))
    _staff_move(
        application, ApplicationStatus.RETURNED_FOR_CORRECTION, actor=actor, reason=reason.strip()
    )


def withdraw(application: Application, *, actor, reason: str = "") -> None:
    """The volunteer withdraws, at any time before departure; a held seat is freed."""
    with transaction.atomic():
        if not transition(application, ApplicationStatus.WITHDRAWN, actor=actor, reason=reason):
            return
        _notify_application_status(application)
        for placement in application.placements.filter(
            status__in=[
                PlacementStatus.PLANNED,
                PlacementStatus.PROPOSED,
                PlacementStatus.CONFIRMED,
            ]
        ).select_related("contingent"):
            transition(
                placement, PlacementStatus.CANCELLED, actor=None, job="application_withdrawn"
            )
            _count_seats(placement.contingent)
            _settle_contingent(placement.contingent)


# Reviews -----------------------------------------------------------------------------------------


def submit_review(
    application: Application,
    *,
    reviewer,
    scores: dict[str, int],
    comment: str,
    recommendation: str,
) -> Review:
    """Create or update the reviewer's review; the application is then under review."""
    if not rules.can_review(reviewer, application):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if application.status not in APPLICATION_REVIEWABLE:
        raise WorkflowError(_("Cette candidature ne peut pas être évaluée dans son état actuel."))
    if any(not 0 <= scores[name] <= 5 for name in Review.SCORE_FIELDS):
        raise WorkflowError(_("Chaque note va de 0 à 5."))
    with transaction.atomic():
        if application.status == ApplicationStatus.ELIGIBLE:
            transition(application, ApplicationStatus.UNDER_REVIEW, actor=reviewer)
        review, _created = Review.objects.update_or_create(
            application=application,
            reviewer=reviewer,
            defaults={**scores, "comment": comment.strip(), "recommendation": recommendation},
        )
        totals = [r.total for r in Review.objects.filter(application=application)]
        application.review_count = len(totals)
        application.review_score = round(Decimal(sum(totals)) / len(totals), 2)
        application.save(update_fields=["review_count", "review_score"])
    return review


# Eligibility -------------------------------------------------------------------------------------


def volunteer_data_changed(volunteer) -> None:
    """Re-check, after the commit, every open application whose facts may have changed."""
    now = timezone.now()
    ids = Application.objects.filter(
        volunteer=volunteer,
        status__in=APPLICATION_OPEN,
        call__opens_at__lte=now,
        call__closes_at__gt=now,
    ).values_list("pk", flat=True)
    for application_id in ids:
        delay_on_commit(check_application_eligibility, application_id=application_id)


def set_verification(
    item: Experience | Document, *, actor, verified: bool, reason: str = ""
) -> None:
    """A programme manager verifies or rejects an experience or a document (it counts for every
    call); a rejection needs its reason."""
    if not rules.can_verify(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if not verified and not reason.strip():
        raise WorkflowError(_("Indiquez le motif du rejet."))
    with transaction.atomic():
        item.verification_status = (
            VerificationStatus.VERIFIED if verified else VerificationStatus.REJECTED
        )
        item.verification_reason = "" if verified else reason.strip()
        item.verified_by = actor
        item.verified_at = timezone.now()
        item.save(
            update_fields=[
                "verification_status",
                "verification_reason",
                "verified_by",
                "verified_at",
            ]
        )
        volunteer_data_changed(item.volunteer)


# Contingents and placements ----------------------------------------------------------------------


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


def _count_seats(contingent: Contingent) -> None:
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


def add_to_contingent(
    contingent: Contingent, *, actor, application: Application, mission: Mission
) -> Placement:
    """Select a shortlisted (or waitlisted) application for one of its chosen missions."""
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
    if application.status not in (ApplicationStatus.SHORTLISTED, ApplicationStatus.WAITLISTED):
        raise WorkflowError(
            _("Seule une candidature présélectionnée ou sur liste d'attente peut être ajoutée.")
        )
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
    # The application is locked first: a second, simultaneous click finds it selected.
    if not transition(application, ApplicationStatus.SELECTED, actor=actor):
        raise WorkflowError(_("Cette candidature est déjà sélectionnée."))
    application.decided_at = application.decided_at or timezone.now()
    application.save(update_fields=["decided_at"])
    placement = Placement.objects.create(
        contingent=contingent,
        application=application,
        volunteer_id=application.volunteer_id,
        mission=mission,
    )
    _count_seats(contingent)
    if contingent.status != ContingentStatus.FORMING:
        # The contingent is already with the partner: offer the freed seat at once.
        if contingent.status == ContingentStatus.CONFIRMED:
            transition(contingent, ContingentStatus.SENT_TO_PARTNER, actor=actor)
        _propose(contingent, [placement], actor=actor)
    _notify_application_status(application)
    return placement


def remove_from_contingent(placement: Placement, *, actor) -> None:
    """Take a planned placement out of a forming contingent; its application is shortlisted."""
    if placement.status != PlacementStatus.PLANNED:
        raise WorkflowError(_("Seule une affectation pas encore proposée peut être retirée."))
    with transaction.atomic():
        _lock_application_of(placement)
        if not transition(placement, PlacementStatus.CANCELLED, actor=actor):
            return  # a second click: already removed, its seat already freed
        _count_seats(placement.contingent)
        transition(placement.application, ApplicationStatus.SHORTLISTED, actor=actor)


def _propose(contingent: Contingent, placements: list[Placement], *, actor) -> None:
    now = timezone.now()
    for placement in placements:
        placement.proposed_at = now
        transition(placement, PlacementStatus.PROPOSED, actor=actor, update_fields=["proposed_at"])
    queue(
        Message(
            user=coordinator,
            event="placement_proposed",
            context={"contingent": contingent, "count": len(placements)},
            # Where the coordinator confirms or declines each placement.
            link=reverse("partners:contingent", args=[contingent.pk]),
        )
        for coordinator in _coordinators(contingent.partner_id)
    )


def send_contingent(contingent: Contingent, *, actor) -> None:
    """Send the contingent to its partner: its placements are proposed, coordinators told."""
    with transaction.atomic():
        # The lock order: the applications, then their placements, then the contingent.
        planned = contingent.placements.filter(status=PlacementStatus.PLANNED)
        list(
            Application.objects.select_for_update()
            .filter(pk__in=planned.values("application_id"))
            .order_by("pk")
            .values("pk")
        )
        placements = list(planned.select_for_update().order_by("pk"))
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


def _settle_contingent(contingent: Contingent) -> None:
    """Move the contingent on when its placements have all moved on. Read under the contingent's
    row lock (the last of the order), so that two last decisions at once see each other."""
    Contingent.objects.select_for_update().filter(pk=contingent.pk).values("pk").first()
    statuses = set(contingent.placements.values_list("status", flat=True))
    live = statuses - {PlacementStatus.DECLINED, PlacementStatus.CANCELLED}
    if (
        contingent.status == ContingentStatus.SENT_TO_PARTNER
        and live
        and PlacementStatus.PROPOSED not in live
        and PlacementStatus.PLANNED not in live
    ):
        transition(contingent, ContingentStatus.CONFIRMED, actor=None, job="placements_decided")
    elif (
        contingent.status == ContingentStatus.CONFIRMED
        and live
        and live
        <= {PlacementStatus.DEPARTED, PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED}
    ):
        transition(contingent, ContingentStatus.DEPARTED, actor=None, job="placements_departed")
    if (
        contingent.status == ContingentStatus.DEPARTED
        and live
        and live <= {PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED}
    ):
        transition(contingent, ContingentStatus.COMPLETED, actor=None, job="placements_ended")


def _lock_application_of(placement: Placement) -> None:
    """Take the locks in the one order of the codebase: the application, then its placement,
    then the contingent (ARCHITECTURE.md). A placement's move also moves its application, and
    the volunteer's withdrawal moves the application before its placements: without this, a
    partner confirming while the volunteer withdraws would deadlock."""
    list(Application.objects.select_for_update().filter(pk=placement.application_id).values("pk"))


def _notify_placement_decision(placement: Placement, *, reason: str = "") -> None:
    context = {"placement": placement, "volunteer_name": str(placement.volunteer), "reason": reason}
    queue(
        Message(user=manager, event="placement_decided", context=context)
        for manager in _programme_managers()
    )


def confirm_placement(placement: Placement, *, actor) -> None:
    with transaction.atomic():
        _lock_application_of(placement)
        placement.decided_at = timezone.now()
        try:
            changed = transition(
                placement, PlacementStatus.CONFIRMED, actor=actor, update_fields=["decided_at"]
            )
        except IntegrityError as exc:
            raise WorkflowError(
                _("Ce ou cette volontaire a déjà une mission confirmée sur la même période.")
            ) from exc
        if not changed:
            return
        transition(
            placement.application, ApplicationStatus.PLACED, actor=None, job="placement_confirmed"
        )
        _notify_application_status(placement.application)
        _notify_placement_decision(placement)
        _settle_contingent(placement.contingent)


def decline_placement(placement: Placement, *, actor, reason: str) -> None:
    """The partner declines; the seat returns to the contingent and the managers are told."""
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif du refus."))
    with transaction.atomic():
        _lock_application_of(placement)
        placement.decided_at = timezone.now()
        placement.decline_reason = reason.strip()
        changed = transition(
            placement,
            PlacementStatus.DECLINED,
            actor=actor,
            reason=reason.strip(),
            update_fields=["decided_at", "decline_reason"],
        )
        if not changed:
            return
        _count_seats(placement.contingent)
        transition(
            placement.application,
            ApplicationStatus.SHORTLISTED,
            actor=None,
            job="placement_declined",
        )
        _notify_application_status(placement.application)
        _notify_placement_decision(placement, reason=reason.strip())
        _settle_contingent(placement.contingent)


def record_departure(placement: Placement, *, actor, on: date) -> None:
    with transaction.atomic():
        _lock_application_of(placement)
        placement.actual_departure = on
        if transition(
            placement, PlacementStatus.DEPARTED, actor=actor, update_fields=["actual_departure"]
        ):
            transition(
                placement.application,
                ApplicationStatus.ON_MISSION,
                actor=None,
                job="placement_departed",
            )
            _notify_application_status(placement.application)
            _settle_contingent(placement.contingent)


def record_return(placement: Placement, *, actor, on: date) -> None:
    if placement.actual_departure and on < placement.actual_departure:
        raise WorkflowError(_("La date de retour précède la date de départ."))
    with transaction.atomic():
        _lock_application_of(placement)
        placement.return_date = on
        if transition(
            placement, PlacementStatus.COMPLETED, actor=actor, update_fields=["return_date"]
        ):
            transition(
                placement.application,
                ApplicationStatus.COMPLETED,
                actor=None,
                job="placement_completed",
            )
            _notify_application_status(placement.application)
            _settle_contingent(placement.contingent)


def interrupt_placement(placement: Placement, *, actor, on: date, reason: str) -> None:
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif de l'interruption."))
    if placement.actual_departure and on < placement.actual_departure:
        raise WorkflowError(_("La date de retour précède la date de départ."))
    with transaction.atomic():
        _lock_application_of(placement)
        placement.return_date = on
        placement.interruption_reason = reason.strip()
        if transition(
            placement,
            PlacementStatus.INTERRUPTED,
            actor=actor,
            reason=reason.strip(),
            update_fields=["return_date", "interruption_reason"],
        ):
            transition(
                placement.application,
                ApplicationStatus.INTERRUPTED,
                actor=None,
                job="placement_interrupted",
            )
            _notify_application_status(placement.application, reason=reason.strip())
            _settle_contingent(placement.contingent)


# Missions and incoming volunteers ----------------------------------------------------------------


def publish_mission(mission: Mission, *, actor) -> None:
    with transaction.atomic():
        mission.review_comment = ""
        transition(mission, MissionStatus.PUBLISHED, actor=actor, update_fields=["review_comment"])


def return_mission(mission: Mission, *, actor, comment: str) -> None:
    if not comment.strip():
        raise WorkflowError(_("Expliquez au partenaire ce qu'il faut revoir."))
    with transaction.atomic():
        mission.review_comment = comment.strip()
        transition(
            mission,
            MissionStatus.DRAFT,
            actor=actor,
            reason=comment.strip(),
            update_fields=["review_comment"],
        )


def close_mission(mission: Mission, *, actor) -> None:
    with transaction.atomic():
        transition(mission, MissionStatus.CLOSED, actor=actor)


def validate_incoming(incoming: IncomingVolunteer, *, actor) -> None:
    with transaction.atomic():
        transition(incoming, IncomingStatus.VALIDATED, actor=actor)


def record_incoming_arrival(incoming: IncomingVolunteer, *, actor) -> None:
    with transaction.atomic():
        transition(incoming, IncomingStatus.ARRIVED, actor=actor)


def complete_incoming(incoming: IncomingVolunteer, *, actor) -> None:
    with transaction.atomic():
        transition(incoming, IncomingStatus.COMPLETED, actor=actor)


# Partner actions ---------------------------------------------------------------------------------


def _require_partner_coordinator(actor, organisation_id: int) -> None:
    if not (rules.is_coordinator_of(actor, organisation_id) or rules.is_programme_manager(actor)):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))


def record_arrival(placement: Placement, *, actor, on: date) -> None:
    _require_partner_coordinator(actor, placement.contingent.partner_id)
    if placement.status not in (
        PlacementStatus.DEPARTED,
        PlacementStatus.COMPLETED,
        PlacementStatus.INTERRUPTED,
    ):
        raise WorkflowError(_("Enregistrez d'abord le départ du ou de la volontaire."))
    if placement.actual_departure and on < placement.actual_departure:
        raise WorkflowError(_("L'arrivée ne peut pas précéder le départ."))
    placement.arrival_date = on
    placement.save(update_fields=["arrival_date"])


REPORT_FIELDS = {
    "midterm": ("midterm_report", "midterm_report_file"),
    "final": ("final_report", "final_report_file"),
}


def save_report(placement: Placement, *, actor, kind: str, text: str, upload=None) -> None:
    """A mid-term or end-of-mission report (text and an optional checked file)."""
    _require_partner_coordinator(actor, placement.contingent.partner_id)
    allowed = (
        (PlacementStatus.DEPARTED,)
        if kind == "midterm"
        else (PlacementStatus.DEPARTED, PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED)
    )
    if placement.status not in allowed:
        raise WorkflowError(_("Ce rapport ne peut pas encore être déposé."))
    if not text.strip():
        raise WorkflowError(_("Écrivez le rapport."))
    text_field, file_field = REPORT_FIELDS[kind]
    with transaction.atomic():
        setattr(placement, text_field, text.strip())
        fields = [text_field]
        if upload is not None:
            old = getattr(placement, file_field)
            if old:
                name, storage = old.name, old.storage
                transaction.on_commit(lambda: storage.delete(name))
            getattr(placement, file_field).save(upload.name, upload, save=False)
            fields.append(file_field)
        placement.save(update_fields=fields)


def save_incoming(
    incoming: IncomingVolunteer | None, *, actor, organisation, values: dict
) -> IncomingVolunteer:
    """A partner declares a foreign volunteer coming to Togo (incoming None), or corrects the
    declaration while ANVT has not validated it yet. `values`: the declaration's clean fields."""
    _require_partner_coordinator(actor, organisation.pk)
    if incoming is not None and incoming.status != IncomingStatus.DECLARED:
        raise WorkflowError(_("Un·e volontaire validé·e par l'ANVT ne peut plus être modifié·e."))
    incoming = incoming or IncomingVolunteer(partner=organisation, declared_by=actor)
    for name, value in values.items():
        setattr(incoming, name, value)
    incoming.save()
    return incoming


def save_mission(
    mission: Mission | None,
    *,
    actor,
    values: dict,
    languages: Sequence[tuple[str, str]],
    propose: bool = False,
) -> Mission:
    """Create (mission None) or edit a mission and its required languages, in one transaction.

    Programme managers edit any mission; a partner's coordinator edits the drafts of their own
    organisation (`values["partner"]`) and may propose them to ANVT.
    """
    partner = values.get("partner")
    if not rules.is_programme_manager(actor):
        _require_partner_coordinator(actor, getattr(partner, "pk", None))
        if mission is not None and (
            mission.status != MissionStatus.DRAFT or mission.partner_id != partner.pk
        ):
            raise WorkflowError(_("Une offre proposée ou publiée ne peut plus être modifiée."))
    with transaction.atomic():
        mission = mission or Mission(created_by=actor)
        for name, value in values.items():
            setattr(mission, name, value)
        mission.save()
        mission.languages.all().delete()
        MissionLanguage.objects.bulk_create(
            MissionLanguage(mission=mission, language=language, level=level)
            for language, level in dict(languages).items()
        )
        if propose:
            transition(mission, MissionStatus.PROPOSED, actor=actor)
    return mission


def save_call(call: Call | None, *, actor, values: dict) -> tuple[Call, EligibilityBatch | None]:
    """Create or edit a call; when its eligibility rules change, the whole call is re-checked
    (the batch is returned so that the manager can follow it)."""
    if not rules.is_programme_manager(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    with transaction.atomic():
        # As stored: a bound ModelForm has already copied its input onto the instance.
        previous_rules = Call.objects.get(pk=call.pk).rules() if call is not None else None
        call = call or Call()
        reviewers = values.pop("reviewers", None) if "reviewers" in values else None
        missions = values.pop("missions", None) if "missions" in values else None
        for name, value in values.items():
            setattr(call, name, value)
        call.save()
        if reviewers is not None:
            call.reviewers.set(reviewers)
        if missions is not None:
            call.missions.set(missions)
        batch = None
        if previous_rules is not None and call.rules() != previous_rules:
            batch = start_batch(call, requested_by=actor)
    return call, batch
