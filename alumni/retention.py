"""Documents kept no longer than needed.

Once none of a volunteer's applications is still running (every one closed: not retained,
withdrawn, mission ended, or a draft or an ineligible file of a call now closed), her documents
are deleted when their kind's time has passed since the last of those ends
(settings.DOCUMENT_RETENTION_DAYS: identity documents after 6 months by default). She is told
RETENTION_NOTICE_DAYS before. The nightly job writes each deletion's kind and count (never the
content) to the audit trail; the files leave the storage once the rows are gone.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from audit.models import Erasure, StatusChange
from missions.enums import ApplicationStatus
from missions.models import Application, Placement
from notifications.models import Notification
from notifications.services import Message, queue
from volunteers.models import Document

JOB = "document_retention"
NOTICE_VALID_DAYS = 60
# An application in one of these is over, whatever its call.
CLOSED = frozenset(
    {
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.COMPLETED,
        ApplicationStatus.INTERRUPTED,
    }
)
# These are over once their call has closed (never sent, or never eligible).
CLOSED_WITH_THE_CALL = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE})


@dataclass
class Run:
    deleted: int = 0
    volunteers: int = 0
    told: int = 0


def ended_on(volunteer_ids, now) -> dict[int, date]:
    """For each volunteer whose applications are all over, the day the last of them ended."""
    rows = list(
        Application.objects.filter(volunteer_id__in=volunteer_ids).values_list(
            "pk", "volunteer_id", "status", "call__closes_at"
        )
    )
    running = {
        volunteer
        for _pk, volunteer, status, closes_at in rows
        if not (status in CLOSED or (status in CLOSED_WITH_THE_CALL and closes_at <= now))
    }
    last_change = dict(
        StatusChange.objects.filter(
            content_type__app_label="missions",
            content_type__model="application",
            object_id__in=[pk for pk, *_rest in rows],
        )
        .values("object_id")
        .annotate(last=Max("created_at"))
        .values_list("object_id", "last")
    )
    returns = dict(
        Placement.objects.filter(volunteer_id__in=volunteer_ids, return_date__isnull=False)
        .values("volunteer_id")
        .annotate(last=Max("return_date"))
        .values_list("volunteer_id", "last")
    )
    ends: dict[int, date] = {}
    for pk, volunteer, _status, closes_at in rows:
        if volunteer in running:
            continue
        moments = [timezone.localdate(closes_at)]
        if pk in last_change:
            moments.append(timezone.localdate(last_change[pk]))
        if volunteer in returns:
            moments.append(returns[volunteer])
        ends[volunteer] = max([ends.get(volunteer, date.min), *moments])
    return ends


def due_on(document: Document, end: date) -> date:
    """Its kind's time after the later of her last application's end and its upload (a passport
    sent again for the next call is kept its full time)."""
    days = settings.DOCUMENT_RETENTION_DAYS.get(
        document.kind, settings.DOCUMENT_RETENTION_DAYS["other"]
    )
    return max(end, timezone.localdate(document.uploaded_at)) + timedelta(days=days)


def run(today: date | None = None) -> Run:
    """Delete what is due today, for those told long enough ago; tell those whose documents go
    soon (or are due, but were never told: they are told now, and keep them the notice's time)."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    result = Run()
    holders = set(
        Document.objects.filter(volunteer__is_active=True)
        .values_list("volunteer_id", flat=True)
        .distinct()
    )
    ends = ended_on(holders, now)
    notice = timedelta(days=settings.RETENTION_NOTICE_DAYS)
    # Told at least the notice's time ago, and recently enough that the notice was about these
    # documents (one of two months ago was about others).
    told_by = _told(
        list(ends), until=today - notice, since=today - timedelta(days=NOTICE_VALID_DAYS)
    )
    # Told within the notice's time: not told again every night until the deletion.
    waiting = _told(list(ends), since=today - notice + timedelta(days=1))
    to_delete: dict[int, list[Document]] = defaultdict(list)
    to_tell: dict[int, list[tuple[Document, date]]] = defaultdict(list)
    for document in Document.objects.filter(volunteer_id__in=list(ends)).order_by("pk"):
        due = due_on(document, ends[document.volunteer_id])
        if due <= today and document.volunteer_id in told_by:
            to_delete[document.volunteer_id].append(document)
        elif due - notice <= today and document.volunteer_id not in waiting:
            to_tell[document.volunteer_id].append((document, max(due, today + notice)))
    for volunteer_id, documents in to_delete.items():
        result.deleted += _delete(volunteer_id, documents)
        result.volunteers += 1
    for volunteer_id, documents in to_tell.items():
        result.told += _tell(volunteer_id, documents)
    return result


def _told(volunteer_ids, *, until: date | None = None, since: date | None = None) -> set[int]:
    """Those told of a deletion (in the portal, which nobody can turn off) between the days."""
    rows = Notification.objects.filter(
        user_id__in=volunteer_ids, event="documents_deletion_notice", channel="in_app"
    )
    if until is not None:
        rows = rows.filter(created_at__date__lte=until)
    if since is not None:
        rows = rows.filter(created_at__date__gte=since)
    return set(rows.values_list("user_id", flat=True))


def _delete(volunteer_id: int, documents: list[Document]) -> int:
    files = [document.file for document in documents if document.file]
    counts: dict[str, int] = defaultdict(int)
    for document in documents:
        counts[document.kind] += 1
    with transaction.atomic():
        deleted, _by_model = Document.objects.filter(
            pk__in=[document.pk for document in documents]
        ).delete()
        Erasure.objects.bulk_create(
            Erasure(
                volunteer_id=volunteer_id,
                kind=kind,
                count=count,
                job=JOB,
                reason="retention",
            )
            for kind, count in sorted(counts.items())
        )
        # The files go once the rows are gone for good (a rollback keeps both).
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return deleted


def _tell(volunteer_id: int, documents: list[tuple[Document, date]]) -> int:
    first_due = min(due for _document, due in documents)
    kinds = sorted({document.get_kind_display() for document, _due in documents})
    queue(
        [
            Message(
                user=documents[0][0].volunteer,
                event="documents_deletion_notice",
                context={"kinds": kinds, "due": first_due, "count": len(documents)},
                link=reverse("volunteers:documents"),
                # Once per date of deletion: the nightly job runs again tomorrow.
                dedupe_key=f"retention:{volunteer_id}:{first_due.isoformat()}",
            )
        ]
    )
    return 1
