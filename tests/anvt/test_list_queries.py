"""Issue 18, lean lists: every list page of every role reads its rows in as many SQL queries with
one listed row as with 51, and never in more than MAX_QUERIES (login, session and the page's own
reads included). Each page is measured on its second visit, once the session and the caches are
warm; the rows are its viewer's own, and the test checks they are on the page."""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anvt import public_cache
from audit.models import AccessLog
from missions.enums import (
    ApplicationStatus,
    BatchStatus,
    ContingentStatus,
    IncomingStatus,
    PlacementStatus,
)
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    Contingent,
    EligibilityBatch,
    IncomingVolunteer,
    Mission,
    MissionLanguage,
    Placement,
)
from mobility.enums import ItemOwner
from mobility.models import ChecklistItem, MobilityItem, Workshop, WorkshopInvitation
from notifications.models import Notification
from partners.enums import MembershipRole
from partners.models import PartnerMembership
from tests.factories import (
    CallFactory,
    ContingentFactory,
    ExperienceFactory,
    HostFactory,
    IncomingFactory,
    MissionFactory,
    PartnerFactory,
    ProfileFactory,
    ThemeFactory,
    UserFactory,
)
from volunteers.models import Document, Experience, VolunteerProfile

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
FEW, MANY = 1, 51


# The cast and the rows --------------------------------------------------------------------------


@dataclass
class Cast:
    manager: object
    reviewer: object
    call: Call
    org_a: object
    coordinator_a: object
    viewer_a: object
    volunteer: object
    theme: object


@pytest.fixture
def cast(manager, reviewer, call, org_a, coordinator_a, viewer_a, volunteer):
    return Cast(manager, reviewer, call, org_a, coordinator_a, viewer_a, volunteer, ThemeFactory())


def mark(n: int) -> str:
    """The name of row n as a page shows it (upper case survives `|upper`)."""
    return f"LIGNE{n:03d}"


def marked_rows(page: str) -> int:
    return len(set(re.findall(r"LIGNE\d{3}", page)))


def people(numbers) -> list:
    """Volunteers named after their rows, each with a profile."""
    users = get_user_model().objects.bulk_create(UserFactory.build(name=mark(n)) for n in numbers)
    VolunteerProfile.objects.bulk_create(
        ProfileFactory.build(user=user, last_name=mark(n))
        for n, user in zip(numbers, users, strict=True)
    )
    return users


def missions(numbers, *, partner, theme, languages=False, **fields) -> list[Mission]:
    rows = Mission.objects.bulk_create(
        MissionFactory.build(title=mark(n), partner=partner, theme=theme, **fields) for n in numbers
    )
    if languages:
        MissionLanguage.objects.bulk_create(
            MissionLanguage(mission=mission, language="fr", level="B2") for mission in rows
        )
    return rows


def contingent_for(cast, *, status=ContingentStatus.SENT_TO_PARTNER):
    """A contingent of org A for one mission in France, leaving in 40 days."""
    mission = MissionFactory(partner=cast.org_a, theme=cast.theme)
    contingent = ContingentFactory(
        call=CallFactory(missions=[mission]),
        partner=cast.org_a,
        capacity=200,
        status=status,
        planned_departure=timezone.localdate() + timedelta(days=40),
    )
    return contingent, mission


def placements(contingent, mission, numbers, *, status, users=None) -> list[Placement]:
    """One placement of the contingent per row, each of its own volunteer and application."""
    now = timezone.now()
    proposed = status == PlacementStatus.PROPOSED
    applications = Application.objects.bulk_create(
        Application(
            call=contingent.call,
            volunteer=user,
            status=ApplicationStatus.PROPOSED if proposed else ApplicationStatus.SELECTED,
            submitted_at=now,
        )
        for user in (users or people(numbers))
    )
    return Placement.objects.bulk_create(
        Placement(
            contingent=contingent,
            application=application,
            volunteer=application.volunteer,
            mission=mission,
            status=status,
            proposed_at=now,
            deadline=now + timedelta(days=10) if proposed else None,
        )
        for application in applications
    )


def checklist(numbers, *, label=mark, owner=ItemOwner.VOLUNTEER) -> list[ChecklistItem]:
    """Items of France's checklist (the country of MissionFactory), one per row."""
    return ChecklistItem.objects.bulk_create(
        ChecklistItem(
            country="FR",
            position=n,
            label_fr=label(n),
            label_en=label(n),
            owner=owner,
            days_before_departure=30,
        )
        for n in numbers
    )


def files(rows, templates, departure: date) -> None:
    MobilityItem.objects.bulk_create(
        MobilityItem(
            placement=placement,
            template=template,
            due_date=departure - timedelta(days=template.days_before_departure),
        )
        for placement in rows
        for template in templates
    )


def in_app(user, numbers) -> None:
    Notification.objects.bulk_create(
        Notification(
            user=user,
            event="account_created",
            channel="in_app",
            language="fr",
            subject=mark(n),
            summary="Votre compte est prêt.",
            body="Votre compte est prêt.",
            link="/espace/",
        )
        for n in numbers
    )


# Each page: build(cast) -> (its URL, grow(numbers) that adds rows n for n in numbers) ----------


def catalogue_missions(cast):
    partner = PartnerFactory()

    def grow(numbers):
        # Before the cast's own mission (same direction, later start), so ours fill page one.
        missions(
            numbers, partner=partner, theme=cast.theme, languages=True, start_date=date(2026, 9, 1)
        )

    return reverse("missions:catalogue"), grow


def catalogue_calls(cast):
    mission = MissionFactory(partner=cast.org_a, theme=cast.theme)

    def grow(numbers):
        for n in numbers:
            CallFactory(title=mark(n), missions=[mission])

    return reverse("missions:catalogue"), grow


def call_page(cast):
    call = CallFactory(missions=[])
    partner = PartnerFactory()

    def grow(numbers):
        call.missions.add(*missions(numbers, partner=partner, theme=cast.theme, languages=True))

    return reverse("missions:call", args=[call.pk]), grow


def staff_applications(query: bool):
    def build(cast):
        def grow(numbers):
            Application.objects.bulk_create(
                Application(
                    call=cast.call,
                    volunteer=user,
                    status=ApplicationStatus.ELIGIBLE,
                    submitted_at=timezone.now(),
                )
                for user in people(numbers)
            )

        url = reverse("staff:applications")
        return (f"{url}?call={cast.call.pk}" if query else url), grow

    return build


def staff_dashboard(cast):
    def grow(numbers):
        Application.objects.bulk_create(
            Application(
                call=cast.call,
                volunteer=user,
                status=ApplicationStatus.SELECTED,
                submitted_at=timezone.now() - timedelta(days=5),
                decided_at=timezone.now(),
            )
            for user in people(numbers)
        )

    return reverse("staff:dashboard"), grow


def selected_figure(page: str) -> int:
    """The dashboard's count of selected applications, as its accessible table says it."""
    found = re.search(r'<th scope="row">Sélectionnées</th><td>(\d+)</td>', page.replace("\n", ""))
    return int(found[1]) if found else 0


def staff_outbox(cast):
    def grow(numbers):
        Notification.objects.bulk_create(
            Notification(
                user=user,
                event="account_created",
                channel="email",
                language="fr",
                subject=mark(n),
                body="Bienvenue.",
            )
            for n, user in zip(numbers, people(numbers), strict=True)
        )

    return reverse("staff:outbox"), grow


def staff_calls(cast):
    def grow(numbers):
        calls = Call.objects.bulk_create(CallFactory.build(title=mark(n)) for n in numbers)
        EligibilityBatch.objects.bulk_create(
            EligibilityBatch(
                call=call, requested_by=cast.manager, status=BatchStatus.DONE, total=3, done=3
            )
            for call in calls
        )

    return reverse("staff:calls"), grow


def staff_missions(cast):
    partner = PartnerFactory()

    def grow(numbers):
        missions(numbers, partner=partner, theme=cast.theme)

    return reverse("staff:missions"), grow


def staff_contingents(cast):
    def grow(numbers):
        Contingent.objects.bulk_create(
            ContingentFactory.build(call=cast.call, partner=cast.org_a, name=mark(n))
            for n in numbers
        )

    return reverse("staff:contingents"), grow


def contingent_placements(url_name: str, status=PlacementStatus.PROPOSED):
    """A page of one sent contingent whose rows are its placements."""

    def build(cast):
        contingent, mission = contingent_for(cast)

        def grow(numbers):
            placements(contingent, mission, numbers, status=status)

        return reverse(url_name, args=[contingent.pk]), grow

    return build


def staff_contingent_candidates(cast):
    contingent, mission = contingent_for(cast, status=ContingentStatus.FORMING)

    def grow(numbers):
        applications = Application.objects.bulk_create(
            Application(
                call=contingent.call,
                volunteer=user,
                status=ApplicationStatus.SHORTLISTED,
                submitted_at=timezone.now(),
            )
            for user in people(numbers)
        )
        ApplicationChoice.objects.bulk_create(
            ApplicationChoice(application=application, mission=mission, rank=1)
            for application in applications
        )

    return reverse("staff:contingent", args=[contingent.pk]), grow


def readiness(url_name: str, query: str = ""):
    """A contingent's readiness board: one row per confirmed volunteer, four items each."""

    def build(cast):
        contingent, mission = contingent_for(cast, status=ContingentStatus.CONFIRMED)
        templates = checklist(range(4), label=lambda n: f"Pièce {n}", owner=ItemOwner.ANVT)

        def grow(numbers):
            rows = placements(contingent, mission, numbers, status=PlacementStatus.CONFIRMED)
            files(rows, templates, contingent.planned_departure)

        return reverse(url_name, args=[contingent.pk]) + query, grow

    return build


def workshop(url_name: str):
    """One workshop of a confirmed contingent, every volunteer invited."""

    def build(cast):
        contingent, mission = contingent_for(cast, status=ContingentStatus.CONFIRMED)
        meeting = Workshop.objects.create(
            contingent=contingent,
            starts_at=timezone.now() + timedelta(days=20),
            place="ANVT, Lomé",
            seats=100,
        )

        def grow(numbers):
            WorkshopInvitation.objects.bulk_create(
                WorkshopInvitation(workshop=meeting, placement=placement)
                for placement in placements(
                    contingent, mission, numbers, status=PlacementStatus.CONFIRMED
                )
            )

        pk = contingent.pk if url_name == "staff:workshops" else meeting.pk
        return reverse(url_name, args=[pk]), grow

    return build


def staff_checklists(cast):
    def grow(numbers):
        checklist(numbers)

    return reverse("staff:checklists"), grow


def mobility_file(url_name: str):
    """Ama's confirmed placement, whose file has one item per row of France's checklist."""

    def build(cast):
        contingent, mission = contingent_for(cast, status=ContingentStatus.CONFIRMED)
        [placement] = placements(
            contingent, mission, [0], status=PlacementStatus.CONFIRMED, users=[cast.volunteer]
        )

        def grow(numbers):
            files([placement], checklist(numbers), contingent.planned_departure)

        return reverse(url_name, args=[placement.pk]), grow

    return build


def incoming(url_name: str, *, waiting: bool = False):
    """Foreign volunteers declared by org A; `waiting`: validated by ANVT and due five days ago,
    so that the partner's home asks to record each arrival."""

    def build(cast):
        fields = {}
        if waiting:
            fields = {
                "status": IncomingStatus.VALIDATED,
                "arrival_date": timezone.localdate() - timedelta(days=5),
            }

        def grow(numbers):
            host = HostFactory()
            IncomingVolunteer.objects.bulk_create(
                IncomingFactory.build(
                    partner=cast.org_a,
                    host_structure=host,
                    theme=cast.theme,
                    last_name=mark(n),
                    passport_number=f"20FR{n:05d}",
                    **fields,
                )
                for n in numbers
            )

        return reverse(url_name), grow

    return build


def notifications(viewer: str):
    def build(cast):
        def grow(numbers):
            in_app(getattr(cast, viewer), numbers)

        return reverse("notifications:list"), grow

    return build


def partner_home_placements(cast):
    contingent, mission = contingent_for(cast)

    def grow(numbers):
        placements(contingent, mission, numbers, status=PlacementStatus.PROPOSED)

    return reverse("partners:home"), grow


def partner_missions(cast):
    def grow(numbers):
        missions(numbers, partner=cast.org_a, theme=cast.theme)

    return reverse("partners:missions"), grow


def partner_members(cast):
    def grow(numbers):
        PartnerMembership.objects.bulk_create(
            PartnerMembership(user=user, organisation=cast.org_a, role=MembershipRole.VIEWER)
            for user in people(numbers)
        )

    return reverse("partners:members"), grow


def volunteer_applications(url_name: str):
    """Ama's applications, one per call (a volunteer applies once per call)."""

    def build(cast):
        def grow(numbers):
            calls = Call.objects.bulk_create(CallFactory.build(title=mark(n)) for n in numbers)
            Application.objects.bulk_create(
                Application(
                    call=call,
                    volunteer=cast.volunteer,
                    status=ApplicationStatus.SUBMITTED,
                    submitted_at=timezone.now(),
                )
                for call in calls
            )

        return reverse(url_name), grow

    return build


def volunteer_experiences(cast):
    def grow(numbers):
        Experience.objects.bulk_create(
            ExperienceFactory.build(volunteer=cast.volunteer, organisation=mark(n)) for n in numbers
        )

    return reverse("volunteers:experiences"), grow


def volunteer_documents(cast):
    def grow(numbers):
        Document.objects.bulk_create(
            Document(
                volunteer=cast.volunteer,
                kind="other",
                file=f"documents/{n}.pdf",
                original_name=f"{mark(n)}.pdf",
                content_type="application/pdf",
                size=15,
            )
            for n in numbers
        )

    return reverse("volunteers:documents"), grow


def volunteer_readings(cast):
    """Who read Ama's CV: one reading by France Volontaires' coordinator per row."""
    cv = Document.objects.create(
        volunteer=cast.volunteer,
        kind="cv",
        file="documents/cv.pdf",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=15,
    )
    kind = ContentType.objects.get_for_model(Document)

    def grow(numbers):
        AccessLog.objects.bulk_create(
            AccessLog(user=cast.coordinator_a, action="view", content_type=kind, object_id=cv.pk)
            for _ in numbers
        )

    return reverse("volunteers:my_data"), grow


def readings_listed(page: str) -> int:
    return page.count("<li><time datetime=")


def volunteer_mission_choice(cast):
    """Step one of Ama's draft application: a select of the call's missions, one per row."""
    call = CallFactory(missions=[])
    application = Application.objects.create(volunteer=cast.volunteer, call=call)
    partner = PartnerFactory()

    def grow(numbers):
        call.missions.add(*missions(numbers, partner=partner, theme=cast.theme))

    return reverse("volunteers:application_missions", args=[application.pk]), grow


# The pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    build: Callable
    viewer: str = ""  # an attribute of Cast; "" for an anonymous visitor
    per_page: int | None = None
    count: Callable[[str], int] = marked_rows

    def expected(self, rows: int) -> int:
        return min(rows, self.per_page) if self.per_page else rows


def page(build, viewer: str = "", *, name: str, **options):
    return pytest.param(ListPage(build, viewer, **options), id=f"{name} ({viewer or 'anonymous'})")


PAGES = [
    # Public
    page(catalogue_missions, name="missions:catalogue, missions", per_page=12),
    page(catalogue_calls, name="missions:catalogue, open calls"),
    page(call_page, name="missions:call, its missions"),
    # ANVT staff
    page(staff_applications(query=False), "manager", name="staff:applications", per_page=25),
    page(staff_applications(query=True), "manager", name="staff:applications?call=", per_page=25),
    page(staff_applications(query=False), "reviewer", name="staff:applications", per_page=25),
    page(staff_applications(query=True), "reviewer", name="staff:applications?call=", per_page=25),
    page(staff_dashboard, "manager", name="staff:dashboard", count=selected_figure),
    page(staff_outbox, "manager", name="staff:outbox", per_page=50),
    page(staff_calls, "manager", name="staff:calls, with batches"),
    page(staff_missions, "manager", name="staff:missions"),
    page(staff_contingents, "manager", name="staff:contingents"),
    page(contingent_placements("staff:contingent"), "manager", name="staff:contingent, placements"),
    page(staff_contingent_candidates, "manager", name="staff:contingent, candidates"),
    page(readiness("staff:readiness"), "manager", name="staff:readiness"),
    page(readiness("staff:readiness", "?print=1"), "manager", name="staff:readiness?print=1"),
    page(workshop("staff:workshops"), "manager", name="staff:workshops"),
    page(workshop("staff:workshop_attendance"), "manager", name="staff:workshop_attendance"),
    page(staff_checklists, "manager", name="staff:checklists"),
    page(mobility_file("staff:mobility"), "manager", name="staff:mobility, a placement's file"),
    page(incoming("staff:incoming"), "manager", name="staff:incoming"),
    page(notifications("manager"), "manager", name="notifications:list"),
    # Partners
    page(partner_home_placements, "coordinator_a", name="partners:home, placements to confirm"),
    page(partner_home_placements, "viewer_a", name="partners:home, placements to confirm"),
    page(
        incoming("partners:home", waiting=True),
        "coordinator_a",
        name="partners:home, incoming to update",
    ),
    page(contingent_placements("partners:contingent"), "coordinator_a", name="partners:contingent"),
    page(readiness("partners:readiness"), "coordinator_a", name="partners:readiness"),
    page(incoming("partners:incoming"), "coordinator_a", name="partners:incoming"),
    page(incoming("partners:incoming"), "viewer_a", name="partners:incoming"),
    page(partner_missions, "coordinator_a", name="partners:missions"),
    page(partner_members, "coordinator_a", name="partners:members"),
    page(notifications("coordinator_a"), "coordinator_a", name="notifications:list"),
    # Volunteers
    page(volunteer_applications("volunteers:dashboard"), "volunteer", name="volunteers:dashboard"),
    page(
        volunteer_applications("volunteers:applications"),
        "volunteer",
        name="volunteers:applications",
    ),
    page(volunteer_experiences, "volunteer", name="volunteers:experiences"),
    page(volunteer_documents, "volunteer", name="volunteers:documents"),
    page(volunteer_readings, "volunteer", name="volunteers:my_data", count=readings_listed),
    page(volunteer_mission_choice, "volunteer", name="volunteers:application_missions"),
    page(mobility_file("volunteers:mobility"), "volunteer", name="volunteers:mobility"),
    page(notifications("volunteer"), "volunteer", name="notifications:list"),
]


# The measure ------------------------------------------------------------------------------------


def measured(client, url: str):
    """The page's second visit (the first warms the session and the caches), and its SQL. Public
    pages kept for anonymous visitors are dropped first: what is measured is the page built
    (a kept page costs no query at all, tests/anvt/test_public_cache.py)."""
    client.get(url)
    public_cache.invalidate()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries.captured_queries]


def shape(sql: str) -> str:
    """The query with its values taken out, so that the same query for two rows reads alike."""
    sql = re.sub(r'SAVEPOINT "[^"]*"', "SAVEPOINT ?", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\?,\s*)*\?\)", "(…)", sql)
    return re.sub(r"\((?:\(…\),\s*)*\(…\)\)", "(…)", sql)


def explain(few: list[str], many: list[str]) -> str:
    extra = Counter(map(shape, many)) - Counter(map(shape, few))
    lines = [f"{len(few)} queries with {FEW} row, {len(many)} with {MANY} (bound {MAX_QUERIES})"]
    if extra:
        lines.append(f"More with {MANY} rows:")
        lines += [f"  {times} more: {sql[:400]}" for sql, times in extra.most_common()]
    for label, queries in ((f"{FEW} row", few), (f"{MANY} rows", many)):
        lines.append(f"With {label}:")
        lines += [f"  {i:2}. {sql[:400]}" for i, sql in enumerate(queries, start=1)]
    return "\n".join(lines)


@pytest.mark.parametrize("list_page", PAGES)
def test_list_page_reads_as_many_queries_for_51_rows_as_for_one(client, cast, list_page):
    url, grow = list_page.build(cast)
    if list_page.viewer:
        client.force_login(getattr(cast, list_page.viewer))

    grow(range(FEW))
    first, few = measured(client, url)
    grow(range(FEW, MANY))
    second, many = measured(client, url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert (list_page.count(first.text), list_page.count(second.text)) == (
        list_page.expected(FEW),
        list_page.expected(MANY),
    )
    assert len(few) == len(many) <= MAX_QUERIES, explain(few, many)
