"""The one way each object is fetched in the back office: scoped to the staff member, and 404
for "missing" and "not yours" alike. Who may open a page at all is `accounts.decorators`."""

from django.shortcuts import get_object_or_404

from missions.models import (
    Application,
    Call,
    Contingent,
    EligibilityBatch,
    IncomingVolunteer,
    Mission,
    Placement,
)
from mobility.models import MobilityItem, Workshop
from partners.models import Agreement, PartnerOrganisation
from volunteers.models import Document, Experience


def get_application_for_staff(user, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(user).select_related(
            "call", "volunteer", "volunteer__volunteer_profile", "eligibility_report"
        ),
        pk=pk,
    )


def get_experience_for_staff(user, application_pk: int, pk: int) -> tuple[Application, Experience]:
    """An experience of the volunteer behind an application the staff member may read."""
    application = get_application_for_staff(user, application_pk)
    experiences = Experience.objects.filter(volunteer_id=application.volunteer_id)
    return application, get_object_or_404(experiences, pk=pk)


def get_document_for_staff(user, application_pk: int, pk: int) -> tuple[Application, Document]:
    """A document of the volunteer behind an application the staff member may read."""
    application = get_application_for_staff(user, application_pk)
    documents = Document.objects.filter(volunteer_id=application.volunteer_id)
    return application, get_object_or_404(documents, pk=pk)


def get_call_for_manager(user, pk: int) -> Call:
    return get_object_or_404(Call.objects.visible_to(user), pk=pk)


def get_batch_for_manager(user, pk: int) -> EligibilityBatch:
    return get_object_or_404(
        EligibilityBatch.objects.visible_to(user).select_related("call"), pk=pk
    )


def get_mission_for_manager(user, pk: int) -> Mission:
    return get_object_or_404(
        Mission.objects.visible_to(user).select_related("partner", "theme"), pk=pk
    )


def get_contingent_for_manager(user, pk: int) -> Contingent:
    return get_object_or_404(
        Contingent.objects.visible_to(user).select_related("call", "partner"), pk=pk
    )


def get_placement_for_manager(user, pk: int) -> Placement:
    return get_object_or_404(
        Placement.objects.visible_to(user).select_related(
            "contingent", "contingent__partner", "application", "mission", "volunteer", "host"
        ),
        pk=pk,
    )


def get_incoming_for_manager(user, pk: int) -> IncomingVolunteer:
    return get_object_or_404(IncomingVolunteer.objects.visible_to(user), pk=pk)


def get_mobility_item_for_manager(user, pk: int) -> MobilityItem:
    return get_object_or_404(
        MobilityItem.objects.filter(
            placement__in=Placement.objects.visible_to(user)
        ).select_related("template", "placement"),
        pk=pk,
    )


def get_workshop_for_manager(user, pk: int) -> Workshop:
    return get_object_or_404(
        Workshop.objects.filter(contingent__in=Contingent.objects.visible_to(user)), pk=pk
    )


def get_agreement_for_manager(user, pk: int) -> Agreement:
    return get_object_or_404(Agreement.objects.select_related("partner"), pk=pk)


def get_host_for_manager(user, pk: int) -> PartnerOrganisation:
    """A host structure in Togo (the registry's rows only: another organisation is 404)."""
    return get_object_or_404(PartnerOrganisation.objects.hosts_in_togo(), pk=pk)
