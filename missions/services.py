"""Writes of the programme: applications, eligibility, contingents, placements, missions and
incoming volunteers. One function per transition; each runs in one transaction, writes the audit
row through `workflow.transition`, and queues its notifications and jobs for after the commit.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from anvt.celery import delay_on_commit
from anvt.errors import Refused
from missions import rules, scoring, webhooks
from missions.checking import start_batch
from missions.enums import (
    APPLICATION_DECIDED,
    APPLICATION_EDITABLE,
    APPLICATION_OPEN,
    APPLICATION_REVIEWABLE,
    PLACEMENT_AWAY,
    PLACEMENT_ENDED,
    ApplicationStatus,
    IncomingStatus,
    MissionStatus,
    PlacementStatus,
)
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    Criterion,
    EligibilityBatch,
    IncomingVolunteer,
    Mission,
    MissionLanguage,
    Placement,
    Review,
    grid_of,
)
from missions.placements import (  # noqa: F401 (the placement services, re-exported)
    add_to_contingent,
    cancel_for_withdrawal,
    confirm_placement,
    correct_date,
    create_contingent,
    decline_placement,
    extend_deadline,
    host_confirm,
    host_decline,
    interrupt_placement,
    notify_application_status,
    programme_managers,
    record_arrival,
    record_departure,
    record_return,
    remove_from_contingent,
    require_partner_coordinator,
    send_contingent,
    withdraw_proposal,
)
from missions.tasks import check_application_eligibility
from missions.workflow import WorkflowError, transition
from notifications.models import Channel
from notifications.services import Message, notify, queue
from volunteers.enums import VerificationStatus
from volunteers.models import Document, Experience

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


def submit_application(application: Application, *, actor, share_documents: bool = False) -> None:
    """Send the application; its eligibility is checked by a job once the transaction commits.
    `share_documents`: her consent that the partners she is proposed to read her documents."""
    _ensure_editable(application, actor)
    if not application.choices.exists():
        raise WorkflowError(_("Choisissez au moins une mission avant d'envoyer votre candidature."))
    if not application.motivation.strip():
        raise WorkflowError(_("Écrivez votre motivation avant d'envoyer votre candidature."))
    with transaction.atomic():
        application.submitted_at = timezone.now()
        application.share_documents = share_documents
        if not transition(
            application,
            ApplicationStatus.SUBMITTED,
            actor=actor,
            update_fields=["submitted_at", "share_documents"],
        ):
            return  # a second click: already submitted, nothing more to say
        notify(
            application.volunteer,
            "application_submitted",
            {"application": application},
            link=reverse("volunteers:application", args=[application.pk]),
        )
        delay_on_commit(check_application_eligibility, application_id=application.pk)


def _staff_move(
    application: Application, to_status: str, *, actor, reason: str = "", tell_reason: bool = True
) -> None:
    """A staff decision on an application; `reason` is audited, and told to the volunteer
    unless `tell_reason` is False (ANVT's own note)."""
    with transaction.atomic():
        planned = application.placements.filter(status=PlacementStatus.PLANNED).first()
        if planned is not None:
            raise WorkflowError(
                _(
                    "Cette candidature est dans le contingent « %(name)s », en préparation : "
                    "retirez-la d'abord du contingent."
                )
                % {"name": planned.contingent.name}
            )
        fields = []
        if to_status in APPLICATION_DECIDED and application.decided_at is None:
            application.decided_at = timezone.now()
            fields.append("decided_at")
        if transition(application, to_status, actor=actor, reason=reason, update_fields=fields):
            notify_application_status(application, reason=reason if tell_reason else "")


def start_review(application: Application, *, actor) -> None:
    with transaction.atomic():
        transition(application, ApplicationStatus.UNDER_REVIEW, actor=actor)


def shortlist(application: Application, *, actor, reason: str = "") -> None:
    """Shortlist after the call's minimum number of reviews, or earlier with a manager's reason
    (kept in the audit trail)."""
    if not rules.is_programme_manager(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    needed = application.call.min_reviews
    if application.review_count < needed and not reason.strip():
        raise WorkflowError(
            _(
                "Cette candidature a %(count)s évaluation(s) sur les %(needed)s demandées : "
                "attendez les autres, ou indiquez pourquoi vous la présélectionnez déjà."
            )
            % {"count": application.review_count, "needed": needed}
        )
    _staff_move(
        application,
        ApplicationStatus.SHORTLISTED,
        actor=actor,
        reason=reason.strip(),
        tell_reason=False,  # the manager's justification is ANVT's own note
    )


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
        notify_application_status(application)
        cancel_for_withdrawal(application)


# Reviews -----------------------------------------------------------------------------------------


def submit_review(
    application: Application,
    *,
    reviewer,
    scores: dict[str, int],
    comment: str,
    recommendation: str,
) -> Review:
    """Create or update the reviewer's review on the call's grid; the application is then under
    review, and its mean score (out of 20) is kept on it for the lists."""
    if not rules.can_review(reviewer, application):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if application.status not in APPLICATION_REVIEWABLE:
        raise WorkflowError(_("Cette candidature ne peut pas être évaluée dans son état actuel."))
    grid = grid_of(application.call)
    marks = scoring.check(grid, scores)
    with transaction.atomic():
        if application.status == ApplicationStatus.ELIGIBLE:
            transition(application, ApplicationStatus.UNDER_REVIEW, actor=reviewer)
        review, _created = Review.objects.update_or_create(
            application=application,
            reviewer=reviewer,
            defaults={
                "scores": marks,
                "score": scoring.weighted(grid, marks),
                "comment": comment.strip(),
                "recommendation": recommendation,
            },
        )
        score_count = Review.objects.filter(application=application).aggregate(
            count=Count("pk"), mean=Avg("score")
        )
        application.review_count = score_count["count"]
        application.review_score = scoring.mean([score_count["mean"]])
        application.save(update_fields=["review_count", "review_score"])
    return review


# Apps above `missions` that mark with a call's grid say here whether they have (the selection
# committee): a list of callables, never an import of theirs.
GRID_IN_USE: list = []


def grid_is_locked(call: Call) -> bool:
    """A grid is fixed once someone has marked with it: changing it would change the meaning of
    marks already given."""
    return Review.objects.filter(application__call=call).exists() or any(
        receiver(call) for receiver in GRID_IN_USE
    )


def save_grid(call: Call, *, actor, rows: list[dict]) -> None:
    """Replace the call's grid with `rows` (name, description, weight, max_score, and the key of
    an existing criterion, or none for a new one), in this order."""
    if not rules.is_programme_manager(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if not rows:
        raise Refused(_("La grille doit garder au moins un critère."))
    for row in rows:
        if not 1 <= row["weight"] <= scoring.MAX_WEIGHT or not 1 <= row["max_score"] <= (
            scoring.MAX_MARK
        ):
            raise Refused(
                _("Un coefficient va de 1 à %(weight)s et une note maximale de 1 à %(mark)s.")
                % {"weight": scoring.MAX_WEIGHT, "mark": scoring.MAX_MARK}
            )
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)
        if grid_is_locked(call):
            raise Refused(
                _(
                    "Des notes ont déjà été données avec cette grille : elle ne peut plus "
                    "changer pour cet appel."
                )
            )
        existing = {c.key: c for c in Criterion.objects.filter(call=call)}
        if not existing:
            existing = {c.key: c for c in _write_default_grid(call)}
        # The criteria left out go first, so that a new one may take a freed name.
        kept = {row.get("key") for row in rows} & set(existing)
        Criterion.objects.filter(call=call).exclude(key__in=kept).delete()
        taken = set(kept)
        for position, row in enumerate(rows):
            criterion = existing.get(row.get("key") or "") if row.get("key") in kept else None
            if criterion is None:
                criterion = Criterion(call=call, key=_new_key(row["name"], taken))
            taken.add(criterion.key)
            criterion.name = row["name"].strip()
            criterion.description = row.get("description", "").strip()
            criterion.weight = row["weight"]
            criterion.max_score = row["max_score"]
            criterion.position = position
            criterion.save()
    call.__dict__.pop("_grid", None)


def _write_default_grid(call: Call) -> list[Criterion]:
    # Stored text: in the programme's working language, whatever the manager's own.
    with translation.override(settings.LANGUAGE_CODE):
        grid = scoring.default_grid()
    return Criterion.objects.bulk_create(
        Criterion(
            call=call,
            key=line.key,
            name=line.name,
            description=line.description,
            weight=line.weight,
            max_score=line.max_score,
            position=position,
        )
        for position, line in enumerate(grid)
    )


def _new_key(name: str, taken) -> str:
    base = slugify(name)[:24] or "critere"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


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
    status = VerificationStatus.VERIFIED if verified else VerificationStatus.REJECTED
    if item.verification_status == status and item.verification_reason == (
        "" if verified else reason.strip()
    ):
        return  # the same decision again (a double click): nothing changes, nobody is told twice
    with transaction.atomic():
        item.verification_status = status
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
        if not verified:
            _tell_rejected(item, reason=reason.strip())


def _tell_rejected(item: Experience | Document, *, reason: str) -> None:
    """She learns what was refused, why, and where to put it right."""
    if isinstance(item, Experience):
        event, context = "experience_rejected", {"experience": item, "reason": reason}
        link = reverse("volunteers:experience_edit", args=[item.pk])
    else:
        event, context = "document_rejected", {"document": item, "reason": reason}
        link = reverse("volunteers:document_replace", args=[item.pk])
    notify(item.volunteer, event, context, link=link)


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


def validate_incoming(incoming: IncomingVolunteer, *, actor, reason: str = "") -> None:
    """ANVT validates a declaration. At a host that is not verified today, only with a reason,
    which the audit trail keeps."""
    reason = reason.strip()
    with transaction.atomic():
        fresh = IncomingVolunteer.objects.select_for_update().get(pk=incoming.pk)
        if fresh.status == IncomingStatus.DECLARED and fresh.flagged and not reason:
            raise WorkflowError(
                _(
                    "La structure d'accueil n'est pas vérifiée par l'ANVT à ce jour : dites "
                    "pourquoi vous validez quand même."
                )
            )
        if transition(incoming, IncomingStatus.VALIDATED, actor=actor, reason=reason):
            webhooks.incoming_validated(incoming)


def record_incoming_arrival(incoming: IncomingVolunteer, *, actor) -> None:
    with transaction.atomic():
        transition(incoming, IncomingStatus.ARRIVED, actor=actor)


def complete_incoming(incoming: IncomingVolunteer, *, actor) -> None:
    with transaction.atomic():
        transition(incoming, IncomingStatus.COMPLETED, actor=actor)


def interrupt_incoming(incoming: IncomingVolunteer, *, actor, reason: str) -> None:
    """A foreign volunteer's stay in Togo ends early; the reason goes to the audit trail."""
    if not reason.strip():
        raise WorkflowError(_("Indiquez le motif de l'interruption."))
    with transaction.atomic():
        transition(incoming, IncomingStatus.INTERRUPTED, actor=actor, reason=reason.strip())


# Partner actions ---------------------------------------------------------------------------------


REPORT_FIELDS = {
    "midterm": ("midterm_report", "midterm_report_file"),
    "final": ("final_report", "final_report_file"),
}


def save_report(placement: Placement, *, actor, kind: str, text: str, upload=None) -> None:
    """A mid-term or end-of-mission report (text and an optional checked file)."""
    require_partner_coordinator(actor, placement.contingent.partner_id)
    allowed = PLACEMENT_AWAY if kind == "midterm" else PLACEMENT_AWAY | PLACEMENT_ENDED
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
    require_partner_coordinator(actor, organisation.pk)
    if incoming is not None and incoming.status != IncomingStatus.DECLARED:
        raise WorkflowError(_("Un·e volontaire validé·e par l'ANVT ne peut plus être modifié·e."))
    refusal = rules.host_region_refusal(values.get("host_structure"), values.get("region", ""))
    if refusal:
        raise WorkflowError(refusal)
    with transaction.atomic():
        was_flagged = False
        if incoming is not None:
            # Read again under a lock: a manager may have validated it meanwhile, and the form
            # has already set the new values on the object it was given.
            stored = IncomingVolunteer.objects.select_for_update().get(pk=incoming.pk)
            if stored.status != IncomingStatus.DECLARED:
                raise WorkflowError(
                    _("Un·e volontaire validé·e par l'ANVT ne peut plus être modifié·e.")
                )
            was_flagged = stored.flagged
            incoming = stored
        else:
            incoming = IncomingVolunteer(partner=organisation, declared_by=actor)
        for name, value in values.items():
            setattr(incoming, name, value)
        incoming.save()
        # Read again: the host may have changed, and its verification with it.
        incoming = IncomingVolunteer.objects.with_host_check().get(pk=incoming.pk)
        if incoming.flagged and not was_flagged:
            _tell_managers_of_unverified_host(incoming)
    return incoming


def _tell_managers_of_unverified_host(incoming: IncomingVolunteer) -> None:
    host = incoming.host_structure
    queue(
        Message(
            user=manager,
            event="incoming_unverified_host",
            context={
                "volunteer_name": str(incoming),
                "partner": incoming.partner.name,
                "host": host.name if host else incoming.host_structure_name,
                "check": incoming.host_check,
                "until": incoming.host_verified_until,
                "arrival": incoming.arrival_date,
            },
            link=reverse("staff:incoming") + f"#incoming-{incoming.pk}",
        )
        for manager in programme_managers()
    )


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
        require_partner_coordinator(actor, getattr(partner, "pk", None))
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
        created = call.pk is None
        call.save()
        if created:
            _write_default_grid(call)
        if reviewers is not None:
            call.reviewers.set(reviewers)
        if missions is not None:
            call.missions.set(missions)
        batch = None
        if previous_rules is not None and call.rules() != previous_rules:
            batch = start_batch(call, requested_by=actor)
    return call, batch


# By SMS ------------------------------------------------------------------------------------------

SMS_STATUS_SHOWN = 3  # the most recent applications an SMS has room for


def send_status_by_sms(user) -> None:
    """Her most recent applications and their statuses, by SMS to her verified number (the
    answer to "STATUT", volunteer_space/sms.py)."""
    applications = list(
        Application.objects.filter(volunteer=user)
        .select_related("call")
        .order_by("-created_at", "-pk")[: SMS_STATUS_SHOWN + 1]
    )
    queue(
        [
            Message(
                user=user,
                event="sms_status",
                context={
                    "applications": applications[:SMS_STATUS_SHOWN],
                    "more": len(applications) > SMS_STATUS_SHOWN,
                },
                channels=(Channel.SMS,),
                to_number=user.sms_number.number,
            )
        ]
    )
