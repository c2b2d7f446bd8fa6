"""The one way each object is fetched in the volunteer's space: theirs, or 404 exactly like a
missing one. Who may open a page at all is `accounts.decorators.volunteer_required`."""

from django.shortcuts import get_object_or_404

from missions.models import Application, Placement
from mobility.models import MobilityItem, WorkshopInvitation
from volunteers.models import Document, Experience


def get_application_for_volunteer(user, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(user).select_related("call", "eligibility_report"), pk=pk
    )


def get_experience_for_volunteer(user, pk: int) -> Experience:
    return get_object_or_404(Experience.objects.visible_to(user), pk=pk)


def get_document_for_volunteer(user, pk: int) -> Document:
    return get_object_or_404(Document.objects.visible_to(user), pk=pk)


def get_placement_for_volunteer(user, pk: int) -> Placement:
    """One of her placements once proposed (a contingent still forming is not hers to see)."""
    return get_object_or_404(
        Placement.objects.of_volunteer(user).select_related(
            "mission",
            "mission__theme",
            "host",
            "contingent",
            "contingent__partner",
            "application__call",
        ),
        pk=pk,
    )


def get_mobility_item_for_volunteer(user, placement_pk: int, pk: int) -> MobilityItem:
    """An item of her own placement's file (another's, or another placement's: 404)."""
    placement = get_placement_for_volunteer(user, placement_pk)
    return get_object_or_404(placement.mobility_items.select_related("template"), pk=pk)


def get_invitation_for_volunteer(user, pk: int) -> WorkshopInvitation:
    return get_object_or_404(
        WorkshopInvitation.objects.filter(placement__volunteer=user).select_related(
            "workshop", "placement"
        ),
        pk=pk,
    )
