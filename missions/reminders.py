"""The periodic reminders of PRODUCT section 6. Each names what it is about in a dedupe key, so
that a reminder goes out at most once per object and period, however often the job runs."""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from missions.enums import ApplicationStatus, PlacementStatus
from missions.models import Application, Placement
from notifications.services import Message, queue
from partners.enums import MembershipRole
from partners.models import PartnerMembership
from volunteers.enums import IDENTITY_DOCUMENTS
from volunteers.models import Document

DRAFT_NOTICE = timedelta(days=3)
CONFIRMATION_WAIT = timedelta(days=7)


def draft_reminders(now) -> int:
    """Drafts not submitted three days before their call closes."""
    drafts = Application.objects.filter(
        status=ApplicationStatus.DRAFT,
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
                dedupe_key=f"draft_reminder:{application.pk}",
            )
            for application in drafts
        )
    )


def confirmation_reminders(now) -> int:
    """Placements waiting for the partner's decision for over seven days, to its coordinators,
    once per placement and per week of waiting."""
    waiting = list(
        Placement.objects.filter(
            status=PlacementStatus.PROPOSED, proposed_at__lte=now - CONFIRMATION_WAIT
        ).select_related("contingent", "mission", "volunteer")
    )
    coordinators = defaultdict(list)
    for membership in PartnerMembership.objects.filter(
        organisation__in={p.contingent.partner_id for p in waiting},
        role=MembershipRole.COORDINATOR,
        user__is_active=True,
    ).select_related("user"):
        coordinators[membership.organisation_id].append(membership.user)
    messages = []
    for placement in waiting:
        days = (now - placement.proposed_at).days
        for user in coordinators[placement.contingent.partner_id]:
            messages.append(
                Message(
                    user=user,
                    event="confirmation_reminder",
                    context={
                        "placement": placement,
                        "days": days,
                        "volunteer_name": str(placement.volunteer),
                    },
                    link=reverse("partners:placement", args=[placement.pk]),
                    dedupe_key=f"confirmation_reminder:{placement.pk}:week{days // 7}",
                )
            )
    return len(queue(messages))


def document_expiry_reminders(today) -> int:
    """Identity documents that expire before the planned departure of a proposed or confirmed
    placement, to the volunteer, once per document and departure date."""
    placements = list(
        Placement.objects.filter(
            status__in=[PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED]
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
            "confirmation": confirmation_reminders(now),
            "document_expiry": document_expiry_reminders(timezone.localdate()),
        }
