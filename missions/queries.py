"""Reads that pages assemble from several models: what a volunteer's experience counts for, what
a partner must act on, whom a contingent may take. Views call these; they hold no rule."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import is_programme_manager
from audit.models import AccessLog, StatusChange
from missions import eligibility
from missions.enums import (
    PLACEMENT_HOLDS_SEAT,
    Actor,
    ApplicationStatus,
    IncomingStatus,
    Party,
    PlacementEventKind,
    PlacementStatus,
    Recommendation,
)
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    Contingent,
    IncomingVolunteer,
    Placement,
    Review,
    grid_of,
)
from partners.models import PartnerMembership
from volunteers.enums import DocumentKind, Gender, Region, VerificationStatus
from volunteers.models import Document

P = PlacementStatus


def experience_total(experiences, on: date, *, attested_only: bool = False) -> tuple[int, str]:
    """Days of volunteering counted as the eligibility engine counts them (rejected ones do not
    count; the host's dates where it attested them; only those with `attested_only`), and the
    same as words."""
    days = eligibility.experience_days(
        [
            e.counted_period
            for e in experiences
            if e.verification_status != VerificationStatus.REJECTED
            and (e.is_attested or not attested_only)
        ],
        on,
    )
    return days, eligibility.duration_text(days)


@dataclass(frozen=True)
class CallExperience:
    call: Call
    total: str
    enough: bool
    required: str


def experience_for_open_calls(experiences, now, limit: int = 3) -> list[CallExperience]:
    """Her experience as each open call counts it: up to its reference date, as the engine does
    (the experiences page's own total runs to today)."""
    rows = []
    for call in Call.objects.open_at(now).order_by("closes_at")[:limit]:
        days, total = experience_total(
            experiences,
            call.effective_reference_date,
            attested_only=call.require_attested_experience,
        )
        needed = eligibility.required_days(call.min_experience_months)
        rows.append(
            CallExperience(
                call=call,
                total=total,
                enough=days >= needed,
                required=eligibility.duration_text(math.ceil(needed)),
            )
        )
    return rows


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
            placement.status in (P.DEPARTED, P.ARRIVED)
            and not placement.midterm_report
            and today >= report_midpoint(placement)
        ):
            due.append((placement, "midterm"))
        if (
            placement.status in (P.DEPARTED, P.ARRIVED, P.COMPLETED, P.INTERRUPTED)
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
        # The nearest deadline first.
        to_confirm=sorted(
            to_confirm, key=lambda item: (item[0].deadline is None, item[0].deadline)
        ),
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
        # Those already in a contingent (still forming) are not offered twice.
        .exclude(placements__status__in=PLACEMENT_HOLDS_SEAT)
        .select_related("volunteer", "volunteer__volunteer_profile")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=ApplicationChoice.objects.select_related("mission").order_by("rank"),
            )
        )
        .order_by("status", "-review_score", "pk")
    )


# One application, as its pages show it -----------------------------------------------------------


@dataclass(frozen=True)
class ReportLine:
    """One criterion of an eligibility report, told to its audience, with where to fix it."""

    label: str
    outcome: str
    passed: bool
    message: str
    fix: tuple[str, str] | None = None  # (URL, link text), for a criterion the volunteer can fix


def volunteer_name(application: Application) -> str:
    """How sentences about the volunteer name them for staff and partners: the first name of the
    profile, else the account's short name."""
    volunteer = application.volunteer
    profile = getattr(volunteer, "volunteer_profile", None)
    return (profile.first_name if profile else "") or volunteer.get_short_name()


# Criteria whose facts she gives once and truly (her birth date, her nationality): a link to edit
# them is offered while they are missing, never to change a fact that fails the rule.
FACTS_NOT_TO_CHANGE = frozenset({"age", "nationality"})


def report_lines(
    report: eligibility.Report | None, *, about: str | None = None, fixes=None
) -> list[ReportLine]:
    """The report's criteria in order, told to the volunteer (`about` is None: "Vous aurez…") or
    about them by name (`about`: "Ama aura…"), with the `fixes` link (code → (URL, text)) of each
    criterion not met."""
    fixes = fixes or {}
    return [
        ReportLine(
            label=eligibility.CRITERION_LABELS[code](),
            outcome=result.outcome,
            passed=result.passed,
            message=result.message_about(about),
            fix=None
            if result.passed
            or (code in FACTS_NOT_TO_CHANGE and result.outcome != eligibility.MISSING)
            else fixes.get(code),
        )
        for code, result in (report.criteria.items() if report else ())
    ]


def application_timeline(
    application: Application, *, with_actor: bool = False
) -> list[tuple[StatusChange, str]]:
    """The application's status changes, oldest first, each with the label of its new status;
    `with_actor` reads who made each change in the same query."""
    changes = StatusChange.objects.for_object(application)
    if with_actor:
        changes = changes.select_related("actor")
    labels = dict(ApplicationStatus.choices)
    changes = list(changes)
    if not with_actor:
        for change in changes:
            # The volunteer's view: a manager's reason for shortlisting early is ANVT's own note.
            if change.to_status == ApplicationStatus.SHORTLISTED and change.actor_id:
                change.reason = ""
    return [(change, labels.get(change.to_status, change.to_status)) for change in changes]


def returned_reason(application: Application, timeline: list[tuple[StatusChange, str]]) -> str:
    """While the application waits for the volunteer's corrections, the reason staff gave for
    returning it (the latest return in `timeline`); otherwise ''."""
    returned = ApplicationStatus.RETURNED_FOR_CORRECTION
    if application.status != returned:
        return ""
    return next(
        (change.reason for change, _label in reversed(timeline) if change.to_status == returned),
        "",
    )


def returned_reason_of(application: Application) -> str:
    """The reason of the application's latest return for correction (one query)."""
    change = (
        StatusChange.objects.for_object(application)
        .filter(to_status=ApplicationStatus.RETURNED_FOR_CORRECTION)
        .order_by("-created_at")
        .first()
    )
    return change.reason if change is not None else ""


def age_at_reference(application: Application) -> int | None:
    """The volunteer's age at the call's reference date, if their birth date is known."""
    profile = getattr(application.volunteer, "volunteer_profile", None)
    if profile is None or profile.birth_date is None:
        return None
    return eligibility.age_at(profile.birth_date, application.call.effective_reference_date)


@dataclass
class ApplicationReviews:
    """The reviews of an application as one staff member may read them."""

    all: list[Review]
    own: Review | None  # the reader's own review
    others_visible: bool  # the others' scores show once the reader has reviewed, or to managers


def application_reviews(application: Application, reader) -> ApplicationReviews:
    reviews = list(Review.objects.filter(application=application).select_related("reviewer"))
    own = next((review for review in reviews if review.reviewer_id == reader.pk), None)
    return ApplicationReviews(
        all=reviews, own=own, others_visible=own is not None or is_programme_manager(reader)
    )


def document_access_log(documents, *, limit: int = 50):
    """Who viewed or downloaded which of these documents, as the audit trail recorded it: each
    row gets `document_label`, the document's kind."""
    kinds = {document.pk: document.get_kind_display() for document in documents}
    rows = list(
        AccessLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Document),
            object_id__in=list(kinds),
        ).select_related("user")[:limit]
    )
    for row in rows:
        row.document_label = kinds.get(row.object_id, "")
    return rows


# Exports (rows for anvt.http.csv_response) ------------------------------------------------------


def application_export(applications) -> tuple[list[str], Iterable[tuple]]:
    """The header and the rows of the staff's CSV of these applications, streamed from the
    database in chunks."""
    labels = dict(ApplicationStatus.choices)
    yes_no = {True: _("oui"), False: _("non")}
    rows = applications.values_list(
        "id",
        "call__title",
        "volunteer__volunteer_profile__last_name",
        "volunteer__volunteer_profile__first_name",
        "volunteer__email",
        "volunteer__volunteer_profile__gender",
        "volunteer__volunteer_profile__region",
        "volunteer__volunteer_profile__birth_date",
        "status",
        "eligibility_report__eligible",
        "review_score",
        "submitted_at",
    ).iterator(chunk_size=2000)
    header = [
        _("N°"),
        _("Appel"),
        _("Nom"),
        _("Prénoms"),
        _("E-mail"),
        _("Genre"),
        _("Région"),
        _("Date de naissance"),
        _("Statut"),
        _("Éligible"),
        _("Note moyenne"),
        _("Envoyée le"),
    ]
    genders, regions = dict(Gender.choices), dict(Region.choices)
    return header, (
        (
            *row[:5],
            genders.get(row[5], row[5]),
            regions.get(row[6], row[6]),
            row[7] or "",
            labels.get(row[8], row[8]),
            yes_no.get(row[9], ""),
            row[10] if row[10] is not None else "",
            timezone.localtime(row[11]).strftime("%Y-%m-%d %H:%M") if row[11] else "",
        )
        for row in rows
    )


def contingent_roster_rows(contingent: Contingent) -> tuple[list[str], Iterable[tuple]]:
    """The header and the rows of a contingent's roster: who goes where, and when."""
    labels = dict(PlacementStatus.choices)
    rows = contingent.placements.values_list(
        "volunteer__volunteer_profile__last_name",
        "volunteer__volunteer_profile__first_name",
        "volunteer__email",
        "volunteer__volunteer_profile__phone",
        "mission__title",
        "mission__city",
        "status",
        "actual_departure",
        "return_date",
    ).order_by("volunteer__volunteer_profile__last_name")
    header = [
        _("Nom"),
        _("Prénoms"),
        _("E-mail"),
        _("Téléphone"),
        _("Mission"),
        _("Ville"),
        _("Statut"),
        _("Départ"),
        _("Retour"),
    ]
    return header, (
        (*row[:6], labels.get(row[6], row[6]), row[7] or "", row[8] or "") for row in rows
    )


# The placement handshake, as each party's page tells it -----------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a placement, told in order: `state` is done, waiting (its deadline, if any),
    declined, or to come."""

    label: str
    state: str
    on: object = None  # a date or a datetime: when it was done, planned or due
    who: str = ""


def _partner_state(placement: Placement) -> str:
    if placement.declined_by == Party.PARTNER:
        return "declined"
    if placement.status == P.PROPOSED:
        return "waiting"
    return "done" if placement.decided_at else "to_come"


def _host_state(placement: Placement) -> str:
    if placement.declined_by == Party.HOST:
        return "declined"
    if placement.status == P.HOST_PENDING:
        return "waiting"
    return "done" if placement.host_decided_at else "to_come"


def placement_chain(placement: Placement) -> list[Step]:
    """The chain of confirmations: ANVT, the sending partner, then the host structure."""
    steps = [
        Step(_("Proposition de l'ANVT"), "done", placement.proposed_at, _("ANVT")),
        Step(
            _("Confirmation du partenaire d'envoi"),
            _partner_state(placement),
            placement.decided_at if _partner_state(placement) != "waiting" else placement.deadline,
            placement.contingent.partner.name,
        ),
    ]
    if placement.host_id:
        state = _host_state(placement)
        steps.append(
            Step(
                _("Confirmation de la structure d'accueil"),
                state,
                placement.deadline if state == "waiting" else placement.host_decided_at,
                placement.host.name,
            )
        )
    return steps


def next_steps(placement: Placement) -> list[Step]:
    """Every step from the proposal to the return, in order, each done, waiting or to come; the
    first one not done is the next. Empty for a placement that ended before departure."""
    if placement.status in (P.DECLINED, P.CANCELLED):
        return []
    steps = placement_chain(placement)
    dated = [
        (_("Départ"), placement.actual_departure, placement.planned_departure),
        (_("Arrivée sur place"), placement.arrival_date, None),
        (_("Fin de mission et retour"), placement.return_date, placement.planned_return),
    ]
    for label, actual, planned in dated:
        steps.append(Step(label, "done" if actual else "to_come", actual or planned))
    first_open = next((i for i, step in enumerate(steps) if step.state != "done"), None)
    if first_open is not None and steps[first_open].state == "to_come":
        step = steps[first_open]
        steps[first_open] = Step(step.label, "next", step.on, step.who)
    return steps


def _job_author(placement: Placement, job: str) -> str:
    """Who a move without a user was made by: the host through its link, else the system."""
    if job == "host_link" and placement.host_id:
        return placement.host.name
    return Actor.SYSTEM.label


def placement_history(placement: Placement) -> list[tuple[object, str, str, object]]:
    """The placement's status changes and events (links sent, reminders, escalations, extended
    deadlines, corrected dates), oldest first: (when, what, detail, who)."""
    labels = dict(P.choices)
    rows = [
        (
            change.created_at,
            labels.get(change.to_status, change.to_status),
            change.reason,
            change.actor or _job_author(placement, change.job),
        )
        for change in StatusChange.objects.for_object(placement).select_related("actor")
    ]
    for event in placement.events.select_related("actor"):
        detail = ""
        if event.kind == PlacementEventKind.DATE_CORRECTED:
            old, new = (date.fromisoformat(event.data[k]) for k in ("old", "new"))
            detail = (
                f"{date_format(old, 'SHORT_DATE_FORMAT')} → {date_format(new, 'SHORT_DATE_FORMAT')}"
                f" · {event.data.get('reason', '')}"
            )
        elif event.data.get("deadline"):
            detail = _("date limite : %(date)s") % {
                "date": date_format(
                    timezone.localtime(datetime.fromisoformat(event.data["deadline"])),
                    "DATETIME_FORMAT",
                )
            }
        if event.data.get("to"):
            detail = f"{detail} · {event.data['to']}"
        rows.append(
            (
                event.created_at,
                event.get_kind_display(),
                detail,
                event.actor or event.get_party_display(),
            )
        )
    return sorted(rows, key=lambda row: row[0])


@dataclass
class ReviewSummary:
    """ANVT's assessment as a partner reads it: the average of each criterion of the call's grid
    (label, mean, maximum), the mean score out of 20, and how many reviewers recommend each
    outcome; no reviewer's name."""

    count: int
    criteria: list[tuple[str, float, int]]
    total: float | None
    recommendations: list[tuple[str, int]]


def review_summary(application: Application) -> ReviewSummary:
    reviews = list(Review.objects.filter(application=application))
    count = len(reviews)
    grid = grid_of(application.call)
    criteria = (
        [
            (
                criterion.name,
                round(sum(r.scores.get(criterion.key, 0) for r in reviews) / count, 1),
                criterion.max_score,
            )
            for criterion in grid
        ]
        if count
        else []
    )
    tally = {value: 0 for value, _label in Recommendation.choices}
    for review in reviews:
        tally[review.recommendation] += 1
    return ReviewSummary(
        count=count,
        criteria=criteria,
        total=round(sum(r.score for r in reviews) / count, 1) if count else None,
        recommendations=[
            (label, tally[value]) for value, label in Recommendation.choices if tally[value]
        ],
    )


def shared_documents(placement: Placement):
    """The documents a partner may read for this placement: none unless the volunteer agreed
    when she applied, and none once the placement is declined or cancelled."""
    if not placement.application.share_documents or placement.status in (
        PlacementStatus.DECLINED,
        PlacementStatus.CANCELLED,
    ):
        return Document.objects.none()
    return Document.objects.filter(volunteer_id=placement.volunteer_id).order_by("kind", "pk")


def document_readings_of(volunteer) -> list[tuple[AccessLog, str, str]]:
    """Who read her documents, newest first, as she may read it in "my data": (log row, who,
    the document's kind),
    who being the partner organisation or "ANVT", never a staff member's name."""
    documents = Document.objects.filter(volunteer=volunteer)
    rows = list(
        AccessLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Document),
            object_id__in=documents.values("pk"),
        ).order_by("-created_at")[:100]
    )
    organisations = dict(
        PartnerMembership.objects.filter(user_id__in={r.user_id for r in rows}).values_list(
            "user_id", "organisation__name"
        )
    )
    kinds = dict(documents.values_list("pk", "kind"))
    labels = dict(DocumentKind.choices)
    return [
        (
            row,
            organisations.get(row.user_id) or _("ANVT"),
            labels.get(kinds.get(row.object_id), ""),
        )
        for row in rows
    ]
