"""Reads that pages assemble from several models: what a volunteer's experience counts for, what
a partner must act on, whom a contingent may take. Views call these; they hold no rule."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from missions import eligibility
from missions.enums import ApplicationStatus, IncomingStatus, PlacementStatus
from missions.models import Application, ApplicationChoice, Contingent, IncomingVolunteer, Placement
from volunteers.enums import VerificationStatus

P = PlacementStatus


def experience_total(experiences, on: date) -> tuple[int, str]:
    """Days of volunteering counted as the eligibility engine counts them (rejected ones do not
    count), and the same as words."""
    days = eligibility.experience_days(
        [
            (e.start_date, e.end_date)
            for e in experiences
            if e.verification_status != VerificationStatus.REJECTED
        ],
        on,
    )
    return days, eligibility.duration_text(days)


def report_midpoint(placement: Placement) -> date:
    mission = placement.mission
    return mission.start_date + (mission.end_date - mission.start_date) / 2


def reports_due(placements, today: date) -> list[tuple[Placement, str]]:
    """(placement, kind) for each report whose time has come and that is still missing: the
    mid-term report from the mission's midpoint, the final one from the return."""
    due = []
    for placement in placements:
        mission = placement.mission
        if (
            placement.status == P.DEPARTED
            and not placement.midterm_report
            and today >= report_midpoint(placement)
        ):
            due.append((placement, "midterm"))
        if (
            placement.status in (P.DEPARTED, P.COMPLETED, P.INTERRUPTED)
            and not placement.final_report
            and today >= (placement.return_date or mission.end_date)
        ):
            due.append((placement, "final"))
    return due


@dataclass
class PartnerAgenda:
    """What waits for a partner organisation, most urgent first."""

    to_confirm: list[tuple[Placement, int]]
    reports_due: list[tuple[Placement, str]]
    incoming_todo: list[IncomingVolunteer]
    incoming_declared: list[IncomingVolunteer]


def partner_agenda(placements: list[Placement], incoming: list[IncomingVolunteer]) -> PartnerAgenda:
    """Placements waiting for a decision (with the days waited), reports due, and incoming
    volunteers whose arrival or departure should be recorded."""
    now, today = timezone.now(), timezone.localdate()
    to_confirm = [
        (placement, (now - placement.proposed_at).days if placement.proposed_at else 0)
        for placement in placements
        if placement.status == P.PROPOSED
    ]
    return PartnerAgenda(
        to_confirm=sorted(to_confirm, key=lambda item: -item[1]),
        reports_due=reports_due(placements, today),
        incoming_todo=[
            item
            for item in incoming
            if (item.status == IncomingStatus.VALIDATED and item.arrival_date <= today)
            or (item.status == IncomingStatus.ARRIVED and item.departure_date <= today)
        ],
        incoming_declared=[i for i in incoming if i.status == IncomingStatus.DECLARED],
    )


def contingent_candidates(contingent: Contingent):
    """Applications of the contingent's call that may join it, best scored first, with their
    ranked missions."""
    return (
        Application.objects.filter(
            call=contingent.call,
            status__in=[ApplicationStatus.SHORTLISTED, ApplicationStatus.WAITLISTED],
        )
        .select_related("volunteer", "volunteer__volunteer_profile")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=ApplicationChoice.objects.select_related("mission").order_by("rank"),
            )
        )
        .order_by("status", "-review_score", "pk")
    )
