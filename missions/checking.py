"""Eligibility checks against the database: facts read in bulk, reports written in bulk.

One code path serves the preview of a draft, the single check after a submission, the re-check
of a whole call and the nightly run, so that each costs a constant number of queries per chunk of
applications. Facts are read as plain values (no model instances), a report is evaluated only
when its fingerprint changed, and the changed reports of a chunk are written with one upsert:
a call of 50 000 applications is re-checked in seconds (`manage.py bench_eligibility`).
"""

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from anvt import lookups  # noqa: F401 (registers __any_of)
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
from volunteers.enums import ATTESTED, IDENTITY_DOCUMENTS, VerificationStatus
from volunteers.models import Document, Experience, VolunteerProfile

logger = logging.getLogger(__name__)

# Applications re-checked (and committed, with the batch's progress) together.
CHUNK_SIZE = 500

REPORT_FIELDS = ("eligible", "data", "engine_version", "fingerprint", "reference_date", "ran_at")


# What `read_facts` needs of each application, read with it by its caller (`with_profile`).
APPLICATION_FACTS = ("pk", "volunteer_id", "profile_birth_date", "profile_nationality_status")


def with_profile(applications):
    """The applications with their volunteer's birth date and nationality status, read from the
    profile by its key: joining the profile through the users table made PostgreSQL scan all
    50 000 users for a chunk of 500 applications."""
    profile = VolunteerProfile.objects.filter(user_id=OuterRef("volunteer_id"))
    return applications.annotate(
        profile_birth_date=Subquery(profile.values("birth_date")[:1]),
        profile_nationality_status=Subquery(profile.values("nationality_status")[:1]),
    )


def read_facts(applications: Iterable[tuple]) -> dict[int, eligibility.Facts]:
    """The facts of applications, keyed by application id, from rows that start with the
    `APPLICATION_FACTS` values: four more queries of plain values, whatever their number."""
    applications = [row[:4] for row in applications]
    # Sets: Django walks a list's items one by one to resolve them, and ids need nothing.
    application_ids = frozenset(pk for pk, *_rest in applications)
    volunteer_ids = frozenset(volunteer for _pk, volunteer, *_rest in applications)
    experiences = defaultdict(list)
    attested = defaultdict(list)
    unverified = defaultdict(int)
    for volunteer, start, end, status, attestation, attested_start, attested_end in (
        Experience.objects.filter(volunteer_id__any_of=volunteer_ids)
        .exclude(verification_status=VerificationStatus.REJECTED)
        .order_by()  # the engine merges them: their order does not matter
        .values_list(
            "volunteer_id",
            "start_date",
            "end_date",
            "verification_status",
            "attestation_status",
            "attested_start",
            "attested_end",
        )
    ):
        # The host's dates, when it attested them, are the ones that count.
        if attestation in ATTESTED and attested_start is not None:
            start, end = attested_start, attested_end
            attested[volunteer].append((start, end))
        experiences[volunteer].append((start, end))
        unverified[volunteer] += status == VerificationStatus.DECLARED
    documents = defaultdict(list)
    for volunteer, kind, expiry in (
        Document.objects.filter(volunteer_id__any_of=volunteer_ids)
        .exclude(verification_status=VerificationStatus.REJECTED)
        .values_list("volunteer_id", "kind", "expiry_date")
    ):
        documents[volunteer].append((kind, expiry))
    missions = defaultdict(list)
    for application, start, end in (
        ApplicationChoice.objects.filter(application_id__any_of=application_ids)
        .order_by()
        .values_list("application_id", "mission__start_date", "mission__end_date")
    ):
        missions[application].append((start, end))
    busy = defaultdict(list)
    for volunteer, application, departure, start, returned, end in Placement.objects.filter(
        volunteer_id__any_of=volunteer_ids, status__in=PLACEMENT_BUSY
    ).values_list(
        "volunteer_id",
        "application_id",
        "actual_departure",
        "mission__start_date",
        "return_date",
        "mission__end_date",
    ):
        busy[volunteer].append((application, (departure or start, returned or end)))

    facts = {}
    for pk, volunteer, birth_date, nationality_status in applications:
        held = documents.get(volunteer, ())
        facts[pk] = eligibility.Facts(
            birth_date=birth_date,
            nationality_status=nationality_status or None,
            experiences=experiences.get(volunteer, []),
            attested_experiences=attested.get(volunteer, []),
            identity_documents=[(k, e) for k, e in held if k in IDENTITY_DOCUMENTS],
            document_kinds=frozenset(kind for kind, _expiry in held),
            busy_periods=[period for other, period in busy.get(volunteer, ()) if other != pk],
            mission_periods=missions.get(pk, []),
            unverified_experiences=unverified.get(volunteer, 0),
        )
    return facts


@dataclass
class Outcome:
    checked: int = 0
    reports_changed: int = 0
    statuses_changed: int = 0


def preview(application: Application) -> eligibility.Report:
    """What the engine would say of this application now, without storing anything: the draft's
    last step shows it before she sends it."""
    rows = with_profile(Application.objects.filter(pk=application.pk)).values_list(
        *APPLICATION_FACTS
    )
    facts = read_facts(rows)[application.pk]
    return eligibility.evaluate(facts, application.call.rules())


# Each application row read by a check: the facts' own, its call, its status and report.
CHECKED_ROW = (
    *APPLICATION_FACTS,
    "call_id",
    "status",
    "eligibility_report__fingerprint",
    "eligibility_report__ran_at",
    "eligibility_report__eligible",
)


@dataclass
class Verdict:
    """What a check found of one application: its fingerprint, the report to write (None when
    the stored one still holds), whether it is eligible, and the fingerprint it found stored."""

    digest: str
    report: eligibility.Report | None
    eligible: bool
    stored: tuple  # the stored report's fingerprint and time: it changes with every write
    reference_date: object
    status: str


def _judge(application_ids) -> dict[int, Verdict]:
    """Read the open applications among these and judge each one (six queries, no lock)."""
    rows = list(
        with_profile(
            Application.objects.filter(
                pk__any_of=frozenset(application_ids), status__in=APPLICATION_OPEN
            )
        )
        .order_by("pk")
        .values_list(*CHECKED_ROW)
    )
    facts = read_facts(rows)
    start = len(APPLICATION_FACTS)
    calls = Call.objects.filter(pk__any_of={row[start] for row in rows}).only(*Call.RULE_FIELDS)
    rules = {call.pk: call.rules() for call in calls}
    verdicts = {}
    for row in rows:
        pk, call_id = row[0], row[start]
        status, stored, stored_at, eligible = row[-4:]
        digest = eligibility.fingerprint(facts[pk], rules[call_id])
        report = None
        if digest != stored:
            report = eligibility.evaluate(facts[pk], rules[call_id])
            eligible = report.eligible
        verdicts[pk] = Verdict(
            digest, report, eligible, (stored, stored_at), rules[call_id].reference_date, status
        )
    return verdicts


def _target(status: str, eligible: bool) -> str | None:
    """The status the engine moves an application to, or None to leave it."""
    if status not in APPLICATION_CHECKED:
        return None
    target = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    return target if status != target else None


def check_applications(application_ids: Iterable[int], *, job: str) -> Outcome:
    """Evaluate these applications and store what changed.

    A report is rewritten only when its facts, rules or engine changed (same fingerprint: no
    write at all), and submitted/eligible/ineligible applications move to eligible or
    ineligible accordingly, with their audit rows and notifications.

    The applications are read and judged without a lock, so that a chunk where nothing changed
    (most of a nightly re-check) locks nothing and writes nothing. Those with something to write
    are then locked, in one transaction; any whose stored report changed since it was read
    (another check wrote it meanwhile) is read and judged again under the lock. So the last
    report written is always judged on facts read after the last change, as each change queues a
    check of its own once committed.
    """
    outcome = Outcome()
    verdicts = _judge(application_ids)
    outcome.checked = len(verdicts)
    pending = [
        pk
        for pk, verdict in verdicts.items()
        if verdict.report or _target(verdict.status, verdict.eligible)
    ]
    if not pending:
        return outcome
    now = timezone.now()
    with transaction.atomic():
        locked = {
            pk: (status, (stored, stored_at))
            for pk, status, stored, stored_at in Application.objects.filter(
                pk__any_of=pending, status__in=APPLICATION_OPEN
            )
            .select_for_update(of=("self",))
            .values_list(
                "pk", "status", "eligibility_report__fingerprint", "eligibility_report__ran_at"
            )
        }
        # Compared with its time too: a fingerprint can come back to what it was.
        raced = [pk for pk, (_status, stored) in locked.items() if stored != verdicts[pk].stored]
        if raced:
            verdicts.update(_judge(raced))
        written, moves, fresh = [], {}, {}
        for pk, (status, _stored) in locked.items():
            verdict = verdicts[pk]
            if verdict.report:
                fresh[pk] = verdict.report
                written.append(
                    EligibilityReport(
                        application_id=pk,
                        eligible=verdict.eligible,
                        data=verdict.report.as_dict(),
                        engine_version=eligibility.ENGINE_VERSION,
                        fingerprint=verdict.digest,
                        reference_date=verdict.reference_date,
                        ran_at=now,
                    )
                )
            if target := _target(status, verdict.eligible):
                moves[pk] = target
        if written:
            # One statement for the new reports and the changed ones.
            EligibilityReport.objects.bulk_create(
                written,
                update_conflicts=True,
                unique_fields=["application"],
                update_fields=REPORT_FIELDS,
            )
        outcome.reports_changed = len(written)
        if moves:
            _apply_moves(moves, fresh, job=job)
        outcome.statuses_changed = len(moves)
    return outcome


def _apply_moves(moves: dict[int, str], reports: dict, *, job: str) -> None:
    """Status changes decided by the engine, in bulk through `workflow.transition_many`, and the
    eligibility result told to each volunteer whose application moved. `reports` holds the
    reports just evaluated; the others (same fingerprint, e.g. an application sent back after a
    correction that changed nothing the engine reads) are read from their rows."""
    applications = Application.objects.filter(pk__in=moves).select_related("volunteer", "call")
    stored = [pk for pk in moves if pk not in reports]
    if stored:
        reports = {
            **reports,
            **{
                row.application_id: row.report
                for row in EligibilityReport.objects.filter(application_id__in=stored)
            },
        }
    moved = transition_many(
        ((application, moves[application.pk]) for application in applications), job=job
    )
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
