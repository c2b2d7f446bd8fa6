"""The periodic reminders of PRODUCT section 6. Each names what it is about in a dedupe key, so
that a reminder goes out at most once per object and period, however often the job runs."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from missions import hostlinks, webhooks
from missions.enums import (
    PLACEMENT_AWAITING,
    ApplicationStatus,
    Party,
    PlacementEventKind,
    PlacementStatus,
)
from missions.models import Application, Placement, PlacementEvent
from missions.placements import programme_managers
from notifications.services import Message, queue
from partners.enums import MembershipRole
from partners.models import PartnerMembership
from volunteers.enums import IDENTITY_DOCUMENTS
from volunteers.models import Document

DRAFT_NOTICE = timedelta(days=3)


def draft_reminders(now) -> int:
    """Drafts not submitted, and applications returned for correction not sent back, three days
    before their call closes."""
    drafts = Application.objects.filter(
        status__in=(ApplicationStatus.DRAFT, ApplicationStatus.RETURNED_FOR_CORRECTION),
        call__closes_at__gt=now,
        call__closes_at__lte=now + DRAFT_NOTICE,
        volunteer__is_active=True,
    ).select_related("volunteer", "call")
    return len(
        queue(
            Message(
                user=application.volunteer,
                event="draft_reminder",
                context={"application": application},
                link=reverse("volunteers:application_missions", args=[application.pk]),
                # A draft is reminded once, and once more if it comes back for correction.
                dedupe_key=f"draft_reminder:{application.pk}"
                if application.status == ApplicationStatus.DRAFT
                else f"correction_reminder:{application.pk}",
            )
            for application in drafts
        )
    )


# The chain of confirmations: a reminder this long before a step's deadline, another on the day.
REMINDER_NOTICE = timedelta(days=3)


def _due(placement: Placement, now) -> str:
    """Which once-only event of its deadline a waiting placement is due, if any."""
    deadline = placement.deadline
    if now >= deadline:
        return PlacementEventKind.ESCALATED
    if timezone.localdate(now) == timezone.localdate(deadline):
        return PlacementEventKind.REMINDER_DAY
    if now >= deadline - REMINDER_NOTICE:
        return PlacementEventKind.REMINDER
    return ""


def _messages(placement: Placement, kind: str, key: str, managers) -> list[Message]:
    context = {
        "placement": placement,
        "deadline": placement.deadline,
        "volunteer_name": str(placement.volunteer),
        "party": placement.waiting_for,
        "today": kind == PlacementEventKind.REMINDER_DAY,
    }
    if kind == PlacementEventKind.ESCALATED:
        link = reverse("staff:placement", args=[placement.pk])
        return [
            Message(user=m, event="placement_escalated", context=context, link=link, dedupe_key=key)
            for m in managers
        ]
    if placement.waiting_for == Party.HOST:
        host = placement.host
        if not host.contact_email:
            return []
        return [
            Message(
                user=None,
                to_address=host.contact_email,
                language=settings.LANGUAGE_CODE,
                event="host_reminder",
                context={**context, "host": host},
                link=hostlinks.link_path(placement),
                dedupe_key=key,
            )
        ]
    link = reverse("partners:placement", args=[placement.pk])
    return [
        Message(
            user=membership.user,
            event="confirmation_reminder",
            context=context,
            link=link,
            dedupe_key=key,
        )
        for membership in PartnerMembership.objects.filter(
            organisation_id=placement.contingent.partner_id,
            role=MembershipRole.COORDINATOR,
            user__is_active=True,
        ).select_related("user")
    ]


def deadline_reminders(now) -> dict[str, int]:
    """For each placement waiting for a party: a reminder to that party three days before its
    deadline and another on the day, then, once the deadline has passed, an escalation to the
    programme managers. Each is a PlacementEvent whose key names the placement, the party, the
    deadline and the kind: it happens once, whatever the number of runs, and again after a
    manager extends the deadline (a new deadline, new keys)."""
    counts = {kind: 0 for kind in ("reminder", "reminder_day", "escalated")}
    waiting = Placement.objects.filter(
        status__in=PLACEMENT_AWAITING, deadline__isnull=False
    ).select_related("contingent", "mission", "host", "volunteer")
    managers = None
    for placement in waiting:
        kind = _due(placement, now)
        if not kind:
            continue
        party = placement.waiting_for
        key = f"{kind}:{placement.pk}:{party}:{placement.deadline:%Y%m%d%H%M}"
        try:
            with transaction.atomic():
                PlacementEvent.objects.create(
                    placement=placement,
                    kind=kind,
                    party=party,
                    key=key,
                    data={"deadline": placement.deadline.isoformat()},
                    created_at=now,
                )
                if kind != PlacementEventKind.ESCALATED and party == Party.PARTNER:
                    # In the event's transaction: written with it, or not at all.
                    webhooks.deadline_approaching(placement, key=key)
        except IntegrityError:
            continue  # done by an earlier run
        if kind == PlacementEventKind.ESCALATED and managers is None:
            managers = list(programme_managers())
        queue(_messages(placement, kind, key, managers or []))
        counts[kind] += 1
    return counts


def document_expiry_reminders(today) -> int:
    """Identity documents that expire before the planned departure of a proposed or confirmed
    placement, to the volunteer, once per document and departure date."""
    placements = list(
        Placement.objects.filter(
            status__in=[*PLACEMENT_AWAITING, PlacementStatus.CONFIRMED]
        ).select_related("contingent", "mission", "volunteer")
    )
    departure_of = {
        p.volunteer_id: (p.volunteer, p.contingent.planned_departure or p.mission.start_date)
        for p in placements
    }
    documents = Document.objects.filter(
        volunteer_id__in=departure_of, kind__in=IDENTITY_DOCUMENTS, expiry_date__isnull=False
    )
    messages = []
    for document in documents:
        user, departure = departure_of[document.volunteer_id]
        if departure >= today and document.expiry_date < departure:
            messages.append(
                Message(
                    user=user,
                    event="document_expiry",
                    context={"document": document, "departure": departure},
                    link=reverse("volunteers:documents"),
                    dedupe_key=f"document_expiry:{document.pk}:{departure.isoformat()}",
                )
            )
    return len(queue(messages))


def send_all() -> dict[str, int]:
    now = timezone.now()
    with transaction.atomic():
        return {
            "draft": draft_reminders(now),
            "document_expiry": document_expiry_reminders(timezone.localdate()),
        }
