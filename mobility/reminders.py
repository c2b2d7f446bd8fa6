"""The mobility file's reminders: one digest per person per day, naming each item they must act
on that is due within three days or late; and ANVT told of the volunteers leaving within 14 days
whose file still has a late item. Each once a day, however often the job runs (dedupe keys)."""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.urls import reverse

from missions.placements import coordinators, programme_managers
from mobility.enums import ITEM_READY, ItemOwner, ItemState
from mobility.models import MobilityItem
from mobility.services import FILE_OPEN
from notifications.services import Message, queue

DUE_SOON = timedelta(days=3)
AT_RISK = timedelta(days=14)


def _link_for(user, item, *, volunteer: bool, managers) -> str:
    """The page where this reader acts on their first item: her file, ANVT's or the partner's
    readiness board of its contingent."""
    if volunteer:
        return reverse("volunteers:mobility", args=[item.placement_id])
    space = "staff:readiness" if user in managers else "partners:readiness"
    return reverse(space, args=[item.placement.contingent_id])


def digests(today) -> dict[str, int]:
    items = list(
        MobilityItem.objects.filter(placement__status__in=FILE_OPEN, due_date__lte=today + DUE_SOON)
        .exclude(state__in=ITEM_READY)
        .select_related(
            "template",
            "placement__volunteer",
            "placement__mission",
            "placement__contingent",
        )
        .order_by("due_date", "pk")
    )
    managers = list(programme_managers())
    to_act: dict[int, tuple[object, list]] = {}

    def add(user, item):
        to_act.setdefault(user.pk, (user, []))[1].append(item)

    partner_people = {}
    for item in items:
        owner = item.template.owner
        if item.state == ItemState.SUBMITTED:  # sent: ANVT's to verify, nobody else's to do
            for user in managers:
                add(user, item)
        elif owner == ItemOwner.VOLUNTEER:
            add(item.placement.volunteer, item)
        elif owner == ItemOwner.PARTNER:
            partner_id = item.placement.contingent.partner_id
            if partner_id not in partner_people:
                partner_people[partner_id] = list(coordinators(partner_id))
            for user in partner_people[partner_id]:
                add(user, item)
        else:  # ANVT's own items, and the host's (ANVT gathers them)
            for user in managers:
                add(user, item)
    messages = []
    for user, own in to_act.values():
        volunteer = own[0].placement.volunteer_id == user.pk
        messages.append(
            Message(
                user=user,
                event="mobility_digest",
                context={
                    "items": own,
                    "today": today,
                    "late": [i for i in own if i.due_date < today],
                },
                link=_link_for(user, own[0], volunteer=volunteer, managers=managers),
                dedupe_key=f"mobility_digest:{today.isoformat()}",
            )
        )
    at_risk = defaultdict(list)
    for item in items:
        placement = item.placement
        if item.due_date < today and placement.planned_departure <= today + AT_RISK:
            at_risk[placement].append(item)
    if at_risk:
        rows = sorted(at_risk.items(), key=lambda pair: pair[0].planned_departure)
        messages.extend(
            Message(
                user=manager,
                event="mobility_at_risk",
                context={"rows": rows, "today": today},
                link=reverse("staff:readiness", args=[rows[0][0].contingent_id]),
                dedupe_key=f"mobility_at_risk:{today.isoformat()}",
            )
            for manager in managers
        )
    with transaction.atomic():
        sent = queue(messages)
    return {
        "digests": sum(1 for n in sent if n.event == "mobility_digest"),
        "at_risk": sum(1 for n in sent if n.event == "mobility_at_risk"),
    }
