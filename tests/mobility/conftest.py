"""The mobility file's cast: France's checklist (the default mission country of MissionFactory),
confirmed placements of a contingent of org A leaving in 50 days, and what a refused move must
leave as it was."""

import html
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from audit.models import StatusChange
from missions import services
from missions.enums import ApplicationStatus
from missions.models import PlacementEvent
from mobility.enums import ItemOwner
from mobility.models import ChecklistItem, MobilityItem, WorkshopInvitation
from notifications.models import Notification
from tests.factories import ApplicationFactory, CallFactory, MissionFactory, complete_volunteer
from volunteers.models import Document

DAYS_TO_DEPARTURE = 50


def departure_day():
    """The contingent's planned departure: 50 days from today (the passport is already late)."""
    return timezone.localdate() + timedelta(days=DAYS_TO_DEPARTURE)


# key: (label_fr, owner, needs_document, needs_date, days_before_departure, is_workshop, position)
FRANCE = {
    "passport": ("Passeport valide", ItemOwner.VOLUNTEER, True, False, 60, False, 1),
    "vaccine": ("Vaccin fièvre jaune", ItemOwner.VOLUNTEER, False, True, 30, False, 2),
    "insurance": ("Assurance santé", ItemOwner.PARTNER, True, False, 21, False, 3),
    "visa": ("Rendez-vous visa", ItemOwner.ANVT, False, False, 45, False, 4),
    "workshop": ("Atelier de départ", ItemOwner.ANVT, False, False, 14, True, 5),
}


def checklist_row(country, label, owner, document, with_date, days, workshop, position, **extra):
    return ChecklistItem(
        country=country,
        position=position,
        label_fr=label,
        label_en=f"{label} (en)",
        owner=owner,
        needs_document=document,
        needs_date=with_date,
        days_before_departure=days,
        is_workshop=workshop,
        **extra,
    )


@pytest.fixture
def checklist(db):
    """France's active list (by key), plus an inactive French item and a Senegalese one that no
    French file may get."""
    items = {}
    for key, values in FRANCE.items():
        items[key] = checklist_row("FR", *values)
        items[key].save()
    checklist_row(
        "FR", "Ancien formulaire", ItemOwner.VOLUNTEER, False, False, 30, False, 9, active=False
    ).save()
    checklist_row(
        "SN", "Carte consulaire sénégalaise", ItemOwner.VOLUNTEER, True, False, 30, False, 1
    ).save()
    return items


def confirmed(
    manager,
    partner,
    coordinator,
    *,
    size=1,
    volunteers=(),
    departure="default",
    confirm=True,
    host=None,
):
    """`size` volunteers of one contingent of `partner` for a mission hosted by `host` (None:
    the partner hosts), proposed and confirmed by `coordinator`; the contingent leaves on
    `departure` (None: the mission's start date). Returns the placements, fresh from the
    database."""
    mission = MissionFactory(partner=partner, host=host, title="Tri sélectif à Lyon")
    call = CallFactory(missions=[mission])
    contingent = services.create_contingent(
        actor=manager,
        call=call,
        partner=partner,
        name="Contingent Lyon",
        capacity=size,
        planned_departure=departure_day() if departure == "default" else departure,
    )
    placements = []
    for n in range(size):
        user = volunteers[n] if n < len(volunteers) else None
        application = ApplicationFactory(
            call=call,
            volunteer=complete_volunteer(user, first_name=f"Akosua{n}", last_name=f"Mensah{n}"),
            status=ApplicationStatus.SHORTLISTED,
        )
        placements.append(
            services.add_to_contingent(
                contingent, actor=manager, application=application, mission=mission
            )
        )
    services.send_contingent(contingent, actor=manager)
    for placement in placements:
        placement.refresh_from_db()
        if confirm:
            services.confirm_placement(placement, actor=coordinator)
            placement.refresh_from_db()
    return placements


@pytest.fixture
def placement(manager, org_a, coordinator_a, volunteer, checklist):
    """Ama's confirmed placement, its file open."""
    [placement] = confirmed(manager, org_a, coordinator_a, volunteers=[volunteer])
    return placement


def item_of(placement, key_or_template, checklist=None):
    template = checklist[key_or_template] if checklist is not None else key_or_template
    return MobilityItem.objects.select_related("template", "placement").get(
        placement=placement, template=template
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flashed(response) -> list[str]:
    """The messages this request added for the next page (read without following the redirect;
    those of earlier requests still waiting in the cookie are left out)."""
    return [str(message) for message in get_messages(response.wsgi_request)._queued_messages]


def text(response) -> str:
    return html.unescape(response.content.decode())


def state(*items):
    """What a refused move must leave as it was."""
    rows = []
    for item in items:
        item.refresh_from_db()
        rows.append(
            (
                item.state,
                item.date_value,
                item.document_id,
                item.reason,
                item.updated_by_id,
                item.updated_at,
            )
        )
    return (
        rows,
        StatusChange.objects.count(),
        Document.objects.count(),
        Notification.objects.count(),
        PlacementEvent.objects.count(),
        WorkshopInvitation.objects.filter(attended__isnull=False).count(),
    )
