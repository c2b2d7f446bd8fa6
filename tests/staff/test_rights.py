"""Every staff URL: 404 for those without the right (no data in the body), login for anonymous
users, the MFA set-up for staff without two-factor authentication."""

import pytest
from django.urls import reverse

from missions.models import Contingent, EligibilityBatch, Placement
from tests.factories import ContingentFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(application, call, manager):
    contingent = ContingentFactory(call=call, name="Contingent secret")
    placement = Placement.objects.create(
        contingent=contingent,
        application=application,
        volunteer=application.volunteer,
        mission=call.missions.get(),
    )
    document = application.volunteer.documents.first()
    experience = application.volunteer.experiences.first()
    batch = EligibilityBatch.objects.create(call=call)
    return {
        "application": application,
        "call": call,
        "mission": call.missions.get(),
        "contingent": contingent,
        "placement": placement,
        "document": document,
        "experience": experience,
        "batch": batch,
    }


def staff_urls(o):
    a = o["application"].pk
    return {
        "reviewer": [
            ("get", reverse("staff:applications")),
            ("get", reverse("staff:applications_export")),
            ("get", reverse("staff:application", args=[a])),
            ("post", reverse("staff:application_review", args=[a])),
            ("post", reverse("staff:application_shortlist", args=[a])),
            ("post", reverse("staff:experience_verify", args=[a, o["experience"].pk])),
            ("get", reverse("staff:document_preview", args=[a, o["document"].pk])),
            ("get", reverse("staff:document_download", args=[a, o["document"].pk])),
        ],
        "manager": [
            ("get", reverse("staff:calls")),
            ("get", reverse("staff:call_create")),
            ("get", reverse("staff:call_edit", args=[o["call"].pk])),
            ("post", reverse("staff:call_recheck", args=[o["call"].pk])),
            ("get", reverse("staff:batch", args=[o["batch"].pk])),
            ("get", reverse("staff:missions")),
            ("get", reverse("staff:mission_edit", args=[o["mission"].pk])),
            ("post", reverse("staff:mission_close", args=[o["mission"].pk])),
            ("get", reverse("staff:contingents")),
            ("get", reverse("staff:contingent", args=[o["contingent"].pk])),
            ("post", reverse("staff:contingent_add", args=[o["contingent"].pk])),
            ("post", reverse("staff:contingent_send", args=[o["contingent"].pk])),
            ("get", reverse("staff:contingent_roster", args=[o["contingent"].pk])),
            ("post", reverse("staff:placement_remove", args=[o["placement"].pk])),
            ("get", reverse("staff:dashboard")),
        ],
    }


SECRETS = ["Secretname", "Akosua", "Motivation confidentielle", "Contingent secret"]


def body(response) -> str:
    if response.streaming:
        # Consuming the stream closes it (the test client wraps it); closing it by hand would
        # fire request_finished and close the test's database connection.
        return b"".join(response.streaming_content).decode()
    return response.content.decode(errors="replace")  # previews are PNG images


def assert_nothing_leaks(response, status=404):
    assert response.status_code == status, response.status_code
    assert not any(secret in body(response) for secret in SECRETS)


LISTS = {reverse("staff:applications"), reverse("staff:applications_export")}


@pytest.mark.parametrize("who", ["volunteer", "partner_user", "outside_reviewer"])
def test_people_without_the_role_get_404_everywhere(client, objects, who, request):
    client.force_login(request.getfixturevalue(who))
    urls = staff_urls(objects)
    for method, url in urls["reviewer"] + urls["manager"]:
        # A reviewer of another call reaches the lists, which hold nothing of this call.
        status = 200 if who == "outside_reviewer" and url in LISTS else 404
        assert_nothing_leaks(getattr(client, method)(url), status)
    assert Contingent.objects.get().status == "forming"
    assert Placement.objects.get().status == "planned"


def test_reviewers_get_404_on_manager_pages(client, objects, reviewer):
    client.force_login(reviewer)
    for method, url in staff_urls(objects)["manager"]:
        assert getattr(client, method)(url).status_code == 404, url


def test_reviewer_of_the_call_reaches_its_applications(client, objects, reviewer):
    client.force_login(reviewer)
    for method, url in staff_urls(objects)["reviewer"]:
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url
            body(response)  # reads and closes streamed files


def test_anonymous_users_are_sent_to_the_login_page(client, objects):
    for method, url in staff_urls(objects)["reviewer"] + staff_urls(objects)["manager"]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_staff_without_two_factor_authentication_must_set_it_up(client, objects, manager):
    manager.authenticator_set.all().delete()
    client.force_login(manager)
    response = client.get(reverse("staff:applications"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_reviewers_only_list_their_calls_applications(client, objects, outside_reviewer):
    client.force_login(outside_reviewer)
    page = client.get(reverse("staff:applications"))
    assert page.status_code == 200
    assert "Secretname" not in page.text
    assert page.context["page"].paginator.count == 0
    csv = b"".join(client.get(reverse("staff:applications_export")).streaming_content).decode()
    assert "Secretname" not in csv


def test_a_document_of_another_volunteer_is_404_through_an_application(
    client, objects, reviewer, other_volunteer
):
    foreign = DocumentFactory(volunteer=other_volunteer, original_name="secret.pdf")
    client.force_login(reviewer)
    url = reverse("staff:document_download", args=[objects["application"].pk, foreign.pk])
    assert client.get(url).status_code == 404
