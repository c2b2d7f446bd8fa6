"""The one place partner views get their rows from: everything is scoped to the user's own
organisation, and anything else answers 404 exactly like a missing object."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from accounts.decorators import mfa_missing_redirect
from accounts.roles import mfa_enrolled, partner_membership_of
from missions.models import Contingent, IncomingVolunteer, Mission, Placement
from missions.queries import shared_documents
from mobility.models import MobilityItem
from partners.models import PartnerMembership


class PartnerScope:
    """The rows one partner organisation may see, built on the `for_partner()` QuerySets."""

    def __init__(self, membership: PartnerMembership):
        self.membership = membership
        self.organisation = membership.organisation

    @property
    def is_coordinator(self) -> bool:
        return self.membership.is_coordinator

    def contingents(self):
        return Contingent.objects.for_partner(self.organisation).select_related("call")

    def placements(self):
        return Placement.objects.for_partner(self.organisation).select_related(
            "contingent", "mission", "volunteer", "volunteer__volunteer_profile"
        )

    def known_placements(self):
        """The placements, and the proposals cancelled since (the API's view: a partner's
        system reads what its webhooks told it of)."""
        return Placement.objects.known_to_partner(self.organisation).select_related(
            "contingent", "mission", "volunteer", "volunteer__volunteer_profile", "host"
        )

    def incoming(self):
        return IncomingVolunteer.objects.for_partner(self.organisation).select_related("theme")

    def missions(self):
        return Mission.objects.for_partner(self.organisation).select_related("theme")

    def members(self):
        return PartnerMembership.objects.filter(organisation=self.organisation).select_related(
            "user"
        )


def get_contingent_for_partner(scope: PartnerScope, pk: int) -> Contingent:
    return get_object_or_404(scope.contingents(), pk=pk)


def get_placement_for_partner(scope: PartnerScope, pk: int) -> Placement:
    return get_object_or_404(scope.placements(), pk=pk)


def get_known_placement_for_partner(scope: PartnerScope, pk: int) -> Placement:
    return get_object_or_404(scope.known_placements(), pk=pk)


def get_shared_document_for_partner(scope: PartnerScope, pk: int, document_pk: int):
    """A document of a placement's volunteer, when she agreed to share it with partners."""
    placement = get_placement_for_partner(scope, pk)
    return placement, get_object_or_404(shared_documents(placement), pk=document_pk)


def get_mobility_item_for_partner(scope: PartnerScope, pk: int, item_pk: int) -> MobilityItem:
    placement = get_placement_for_partner(scope, pk)
    return get_object_or_404(placement.mobility_items.select_related("template"), pk=item_pk)


def get_incoming_for_partner(scope: PartnerScope, pk: int) -> IncomingVolunteer:
    return get_object_or_404(scope.incoming(), pk=pk)


def get_mission_for_partner(scope: PartnerScope, pk: int) -> Mission:
    return get_object_or_404(scope.missions(), pk=pk)


def partner_required(view):
    """Logged in, member of an active partner organisation, with two-factor authentication
    (every partner user reads volunteers' personal data, viewers too); the view gets `scope`."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = partner_membership_of(request.user)
        if membership is None:
            raise Http404
        if not mfa_enrolled(request.user):
            return mfa_missing_redirect(
                request,
                _("Activez la double authentification pour accéder à l'espace des partenaires."),
            )
        return view(request, PartnerScope(membership), *args, **kwargs)

    return wrapper


def coordinator_required(view):
    """A coordinator (with two-factor authentication, as every partner user): viewers may read,
    not act."""

    @wraps(view)
    def wrapper(request, scope: PartnerScope, *args, **kwargs):
        if not scope.is_coordinator:
            messages.error(
                request, _("Seul·e un·e coordinateur·rice de votre organisation peut faire cela.")
            )
            return redirect("partners:home")
        return view(request, scope, *args, **kwargs)

    return partner_required(wrapper)
