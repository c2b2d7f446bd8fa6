"""The committee's pages read in a fixed number of queries, whatever the number of applicants,
members, marks and decisions (issue 18's rule for every list page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from selection import services
from tests.factories import ApplicationFactory, CallFactory, MissionFactory, complete_volunteer
from tests.selection.test_committee import GOOD, staff_member

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def sitting(manager, size: int, members: int):
    call = CallFactory(missions=[MissionFactory()])
    applications = [
        ApplicationFactory(call=call, status="eligible", volunteer=complete_volunteer())
        for _n in range(size)
    ]
    staff = [manager, *(staff_member(f"Membre {n}") for n in range(members - 1))]
    session = services.create_session(
        actor=manager, call=call, title="Séance", held_at=timezone.now(), quorum=1, staff=staff
    )
    services.set_attendance(session, actor=manager, present={m.pk for m in session.members.all()})
    for member in session.members.all():
        for application in applications:
            services.declare(member, application, conflict=False)
            services.mark(member, application, scores=GOOD)
    for application in applications[: size // 2]:
        services.decide(
            session, application, actor=manager, outcome="selected", reason="strong_file"
        )
    return session


def queries_of(client, url) -> tuple[int, str]:
    client.get(url)  # warm: the session, the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.text


@pytest.mark.parametrize("page", ["staff:committee", "staff:committees"])
def test_the_committee_pages_read_as_many_queries_for_1_or_8_applicants(
    manager_client, manager, page
):
    def url(session):
        return reverse(page, args=[session.pk]) if page == "staff:committee" else reverse(page)

    few, _text = queries_of(manager_client, url(sitting(manager, 1, 2)))
    many, text = queries_of(manager_client, url(sitting(manager, 8, 4)))
    print(f"{page}: {few} queries with 1 applicant and 2 members, {many} with 8 and 4")
    assert many == few, f"{few} queries with 1 applicant, {many} with 8"
    assert many <= MAX_QUERIES
    if page == "staff:committee":
        assert text.count("17") >= 8  # every applicant's mean, on the board
