"""Eligibility checks against the database: facts read in bulk, reports written in bulk.

One code path serves the single check after a submission, the re-check of a whole call and the
nightly run, so that each costs a constant number of queries per chunk of applications.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from anvt.celery import delay_on_commit
from missions import eligibility
from missions.enums import (
    APPLICATION_CHECKED,
    APPLICATION_OPEN,
    PLACEMENT_BUSY,
    ApplicationStatus,
    BatchStatus,
)
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    EligibilityBatch,
    EligibilityReport,
    Placement,
)
from missions.workflow import transition_many
from notifications.services import Message, queue
from volunteers.enums import IDENTITY_DOCUMENTS, VerificationStatus
from volunteers.models import Document, Experience

logger = logging.getLogger(__name__)

# Applications re-checked (and committed, with the batch's progress) together.
CHUNK_SIZE = 500


def with_facts(queryset):
    """Applications with everything `facts_for` reads, in a constant number of queries."""
    return queryset.select_related(
        "call", "volunteer", "volunteer__volunteer_profile", "eligibility_report"
    ).prefetch_related(
        Prefetch(
            "volunteer__experiences",
            queryset=Experience.objects.exclude(
                verification_status=VerificationStatus.REJECTED
            ).only("volunteer_id", "start_date", "end_date", "verification_status"),
            to_attr="counted_experiences",
        ),
        Prefetch(
            "volunteer__documents",
            queryset=Document.objects.exclude(verification_status=VerificationStatus.REJECTED).only(
                "volunteer_id", "kind", "expiry_date"
            ),
            to_attr="valid_documents",
        ),
        Prefetch(
            "choices",
            queryset=ApplicationChoice.objects.select_related("mission").only(
                "application_id", "rank", "mission__start_date", "mission__end_date"
            ),
            to_attr="ranked_choices",
        ),
        Prefetch(
            "volunteer__placements",
            queryset=Placement.objects.filter(status__in=PLACEMENT_BUSY).select_related("mission"),
            to_attr="busy_placements",
        ),
    )


def facts_for(application: Application) -> eligibility.Facts:
    """The facts of an application loaded through `with_facts`."""
    volunteer = application.volunteer
    profile = getattr(volunteer, "volunteer_profile", None)
    experiences = volunteer.counted_experiences
    documents = volunteer.valid_documents
    return eligibility.Facts(
        birth_date=profile.birth_date if profile else None,
        nationality_status=(profile.nationality_status or None) if profile else None,
        experiences=[(e.start_date, e.end_date) for e in experiences],
        identity_documents=[
            (d.kind, d.expiry_date) for d in documents if d.kind in IDENTITY_DOCUMENTS
        ],
        document_kinds=frozenset(d.kind for d in documents),
        busy_periods=[
            (
                p.actual_departure or p.mission.start_date,
                p.return_date or p.mission.end_date,
            )
            for p in volunteer.busy_placements
            if p.application_id != application.pk
        ],
        mission_periods=[
            (c.mission.start_date, c.mission.end_date) for c in application.ranked_choices
        ],
        unverified_experiences=sum(
            e.verification_status == VerificationStatus.DECLARED for e in experiences
        ),
    )


@dataclass
class Outcome:
    checked: int = 0
    reports_changed: int = 0
    statuses_changed: int = 0


def preview(application: Application) -> eligibility.Report:
    """What the engine would say of this application now, without storing anything: the draft's
    last step shows it before she sends it."""
    loaded = with_facts(Application.objects.filter(pk=application.pk)).get()
    return eligibility.evaluate(facts_for(loaded), loaded.call.rules())


def check_applications(application_ids: Iterable[int], *, job: str) -> Outcome:
    """Evaluate these applications and store what changed, in one transaction.

    A report is rewritten only when its facts, rules or engine changed (same fingerprint: no
    write at all), and submitted/eligible/ineligible applications move to eligible or
    ineligible accordingly, with their audit rows and notifications.
    """
    outcome = Outcome()
    now = timezone.now()
    with transaction.atomic():
        applications = list(
            with_facts(
                Application.objects.filter(pk__in=list(application_ids))
                .filter(status__in=APPLICATION_OPEN)
                .select_for_update(of=("self",))
            )
        )
        new_reports, changed_reports, moves = [], [], []
        for application in applications:
            outcome.checked += 1
            facts, rules = facts_for(application), application.call.rules()
            digest = eligibility.fingerprint(facts, rules)
            existing = getattr(application, "eligibility_report", None)
            report = None
            if existing is None or existing.fingerprint != digest:
                report = eligibility.evaluate(facts, rules)
                fields = {
                    "eligible": report.eligible,
                    "data": report.as_dict(),
                    "engine_version": eligibility.ENGINE_VERSION,
                    "fingerprint": digest,
                    "reference_date": rules.reference_date,
                    "ran_at": now,
                }
                if existing is None:
                    new_reports.append(EligibilityReport(application=application, **fields))
                else:
                    for name, value in fields.items():
                        setattr(existing, name, value)
                    changed_reports.append(existing)
            eligible = report.eligible if report else existing.eligible
            if application.status in APPLICATION_CHECKED:
                target = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
                if application.status != target:
                    moves.append((application, target, report or existing.report))

        EligibilityReport.objects.bulk_create(new_reports)
        if changed_reports:
            EligibilityReport.objects.bulk_update(
                changed_reports,
                ["eligible", "data", "engine_version", "fingerprint", "reference_date", "ran_at"],
            )
        outcome.reports_changed = len(new_reports) + len(changed_reports)
        _apply_moves(moves, job=job)
        outcome.statuses_changed = len(moves)
    return outcome


def _apply_moves(moves, *, job: str) -> None:
    """Status changes decided by the engine, in bulk through `workflow.transition_many`, and the
    eligibility result told to each volunteer whose application moved."""
    reports = {application.pk: report for application, _target, report in moves}
    moved = transition_many(((application, target) for application, target, _r in moves), job=job)
    queue(
        Message(
            user=application.volunteer,
            event="eligibility_result",
            context={
                "application": application,
                "eligible": reports[application.pk].eligible,
                "problems": [
                    result.message
                    for result in reports[application.pk].criteria.values()
                    if not result.passed
                ],
            },
            link=reverse("volunteers:application", args=[application.pk]),
        )
        for application in moved
    )


def start_batch(call: Call, *, requested_by=None) -> EligibilityBatch:
    """Record a whole-call re-check; the job runs it after the commit."""
    # missions.tasks imports this module for its jobs: imported at call time to break the loop.
    from missions.tasks import recheck_call

    batch = EligibilityBatch.objects.create(
        call=call,
        requested_by=requested_by,
        total=Application.objects.filter(call=call, status__in=APPLICATION_OPEN).count(),
    )
    delay_on_commit(recheck_call, batch_id=batch.pk)
    return batch


def _claim(batch: EligibilityBatch, runner: uuid.UUID) -> bool:
    """Take the batch to run it: a new one, or one whose runner stopped giving signs of life."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.ELIGIBILITY_BATCH_STALE_SECONDS)
    return bool(
        EligibilityBatch.objects.filter(pk=batch.pk)
        .filter(
            Q(status=BatchStatus.PENDING)
            | Q(status=BatchStatus.RUNNING, heartbeat_at__lt=stale)
            | Q(status=BatchStatus.RUNNING, heartbeat_at__isnull=True)
        )
        .update(
            status=BatchStatus.RUNNING,
            runner=runner,
            heartbeat_at=now,
            started_at=Coalesce(F("started_at"), Value(now)),
        )
    )


def run_batch(batch: EligibilityBatch, *, chunk_size: int | None = None) -> Outcome:
    """Re-check every open application of the batch's call, chunk by chunk.

    Each chunk commits with the batch's progress (its last application, the counts, a heartbeat),
    so that a run killed at any moment is resumed after its last committed chunk, by the next
    run that claims the batch, and the counts stay true. A run that finds another has taken the
    batch over stops.
    """
    chunk_size = chunk_size or settings.ELIGIBILITY_BATCH_CHUNK_SIZE
    total = Outcome()
    runner = uuid.uuid4()
    if not _claim(batch, runner):
        return total  # done, failed, or running elsewhere with a live heartbeat
    batch.refresh_from_db()
    remaining = Application.objects.filter(
        call_id=batch.call_id, status__in=APPLICATION_OPEN, pk__gt=batch.last_application_id
    ).order_by("pk")
    ids = list(remaining.values_list("pk", flat=True))
    EligibilityBatch.objects.filter(pk=batch.pk).update(total=batch.done + len(ids))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        with transaction.atomic():
            if (
                not EligibilityBatch.objects.select_for_update()
                .filter(pk=batch.pk, runner=runner)
                .exists()
            ):
                return total  # taken over: the other run goes on from our last chunk
            outcome = check_applications(chunk, job="call_recheck")
            EligibilityBatch.objects.filter(pk=batch.pk).update(
                done=F("done") + len(chunk),
                changed=F("changed") + outcome.reports_changed,
                last_application_id=chunk[-1],
                heartbeat_at=timezone.now(),
            )
        total.checked += outcome.checked
        total.reports_changed += outcome.reports_changed
        total.statuses_changed += outcome.statuses_changed
    EligibilityBatch.objects.filter(pk=batch.pk, runner=runner).update(
        status=BatchStatus.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return total


def stale_batch_ids() -> list[int]:
    """Batches whose run died (no heartbeat for a while) or that no worker ever started."""
    limit = timezone.now() - timedelta(seconds=settings.ELIGIBILITY_BATCH_STALE_SECONDS)
    return list(
        EligibilityBatch.objects.filter(
            Q(status=BatchStatus.RUNNING, heartbeat_at__lt=limit)
            | Q(status=BatchStatus.PENDING, created_at__lt=limit)
        ).values_list("pk", flat=True)
    )
