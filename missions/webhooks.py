"""The programme's events that a partner's information system is told of (PRODUCT section 10,
notifications/webhooks.py): a placement proposed to it, its deadline approaching, a placement
cancelled, a declaration of a foreign volunteer validated. Called in the event's transaction."""

from missions.models import IncomingVolunteer, Placement
from notifications import webhooks
from partners.models import WebhookEndpoint


def _endpoints(organisation_id: int):
    return WebhookEndpoint.objects.filter(
        organisation_id=organisation_id, active=True, organisation__active=True
    )


def _placement(placement: Placement) -> dict:
    return {
        "placement": placement.pk,
        "contingent": placement.contingent_id,
        "mission": placement.mission_id,
        "status": placement.status,
        "deadline": placement.deadline,
    }


def placements_proposed(partner_id: int, placements: list[Placement]) -> None:
    endpoints = list(_endpoints(partner_id))
    for placement in placements:
        webhooks.queue(
            endpoints,
            event="placement.proposed",
            data=_placement(placement),
            key=f"{placement.pk}:{placement.proposed_at:%Y%m%d%H%M%S}",
        )


def deadline_approaching(placement: Placement, *, key: str) -> None:
    webhooks.queue(
        _endpoints(placement.contingent.partner_id),
        event="placement.deadline_approaching",
        data=_placement(placement),
        key=key,
    )


def placement_cancelled(placement: Placement) -> None:
    webhooks.queue(
        _endpoints(placement.contingent.partner_id),
        event="placement.cancelled",
        data=_placement(placement),
        key=str(placement.pk),
    )


def incoming_validated(incoming: IncomingVolunteer) -> None:
    webhooks.queue(
        _endpoints(incoming.partner_id),
        event="incoming.validated",
        data={"incoming": incoming.pk, "status": incoming.status},
        key=str(incoming.pk),
    )
