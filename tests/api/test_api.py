"""The partner API as a partner's information system uses it: its key, its organisation's rows
only, the same services and messages as the pages, problems for every wrong call (and nothing
changed), lists by cursor, the audit trail of every call."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import ApiCall, StatusChange
from missions import services
from missions.models import IncomingVolunteer, Placement
from partners.models import ApiToken, PartnerMembership
from tests.api.conftest import key_for
from tests.factories import ContingentFactory, HostFactory, IncomingFactory, ThemeFactory
from tests.files import PDF

pytestmark = pytest.mark.django_db


def ids(contingent):
    return list(contingent.placements.order_by("pk").values_list("pk", flat=True))


def problem(response, status, slug):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    document = response.json()
    assert (document["type"], document["status"]) == (f"/api/v1/problems/{slug}", status)
    assert document["instance"] == response.wsgi_request.path
    return document


# Keys ---------------------------------------------------------------------------------------------


def test_a_key_is_stored_hashed_and_its_calls_are_audited_in_its_name(
    api, key_a, sent_contingent, coordinator_a
):
    token = ApiToken.objects.get()
    assert token.digest == ApiToken.digest_of(key_a)
    assert key_a not in {str(value) for value in ApiToken.objects.values().get().values()}
    assert token.last_used_at is None
    first, _second = ids(sent_contingent)

    assert api("GET", "/placements", key_a).status_code == 200
    assert api("POST", f"/placements/{first}/confirm", key_a).status_code == 200
    assert api("POST", f"/placements/{first}/confirm", key_a).status_code == 409

    token.refresh_from_db()
    assert token.last_used_at is not None
    calls = list(ApiCall.objects.order_by("pk").values_list("token_name", "method", "status"))
    assert calls == [("PLATO", "GET", 200), ("PLATO", "POST", 200), ("PLATO", "POST", 409)]
    change = StatusChange.objects.filter(to_status="confirmed").get()
    assert (change.actor, change.context) == (coordinator_a, "clé d'API « PLATO »")


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"revoked_at": timezone.now()}, "Cette clé a été révoquée."),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "Cette clé a expiré le"),
    ],
)
def test_a_revoked_or_expired_key_is_refused_and_changes_nothing(
    api, key_a, sent_contingent, change, detail
):
    ApiToken.objects.update(**change)
    first, _second = ids(sent_contingent)
    answer = api("POST", f"/placements/{first}/confirm", key_a)
    assert detail in problem(answer, 401, "unauthorized")["detail"]
    assert answer["WWW-Authenticate"] == 'Bearer realm="anvt"'
    assert Placement.objects.get(pk=first).status == "proposed"
    assert not ApiCall.objects.exists()  # no valid key: nobody to record


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer anvt_unknown", "Basic YTpi", "Token x"])
def test_a_missing_or_unknown_key_is_refused(api, sent_contingent, header):
    answer = api("GET", "/placements", HTTP_AUTHORIZATION=header)
    problem(answer, 401, "unauthorized")


def test_a_key_whose_creator_left_the_organisation_stops_working(api, key_a, coordinator_a):
    PartnerMembership.objects.filter(user=coordinator_a).delete()
    detail = problem(api("GET", "/placements", key_a), 401, "unauthorized")["detail"]
    assert "n'est plus membre" in detail


def test_a_read_key_may_read_but_not_write(api, read_key_a, sent_contingent):
    first, _second = ids(sent_contingent)
    assert api("GET", f"/placements/{first}", read_key_a).status_code == 200
    answer = api("POST", f"/placements/{first}/decline", read_key_a, {"reason": "Non"})
    assert problem(answer, 403, "forbidden")["detail"] == "Cette clé ne permet que la lecture."
    assert Placement.objects.get(pk=first).status == "proposed"


def test_a_viewer_cannot_create_a_key(viewer_a, org_a):
    from accounts import integrations
    from anvt.errors import Refused

    with pytest.raises(Refused):
        integrations.create_token(org_a, actor=viewer_a, name="X", scope="read", days=30)
    assert not ApiToken.objects.exists()


# Another organisation's rows: 404, never 403 ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/placements/{p}", None),
        ("POST", "/placements/{p}/confirm", None),
        ("POST", "/placements/{p}/decline", {"reason": "Non"}),
        ("POST", "/placements/{p}/arrival", {"on": "2026-01-01"}),
        ("GET", "/incoming/{i}", None),
        ("PATCH", "/incoming/{i}", {"last_name": "Autre"}),
        ("GET", "/contingents/{c}", None),
        ("GET", "/missions/{m}", None),
        ("GET", "/placements/999999", None),
    ],
)
def test_another_organisations_rows_answer_404_and_change_nothing(
    api, key_b, sent_contingent, org_a, method, path, body
):
    first = sent_contingent.placements.order_by("pk").first()
    incoming = IncomingFactory(partner=org_a)
    path = path.format(p=first.pk, i=incoming.pk, c=sent_contingent.pk, m=first.mission_id)
    answer = api(method, path, key_b, body)
    problem(answer, 404, "not-found")
    assert "Secretname" not in answer.text
    assert Placement.objects.get(pk=first.pk).status == "proposed"
    assert IncomingVolunteer.objects.get(pk=incoming.pk).last_name == "Durand"
    assert api("GET", "/placements", key_b).json()["items"] == []


# Decisions ----------------------------------------------------------------------------------------


def test_decline_needs_a_reason_and_the_wrong_step_is_a_conflict(api, key_a, sent_contingent):
    first, second = ids(sent_contingent)
    invalid = problem(
        api("POST", f"/placements/{first}/decline", key_a, {"reason": ""}), 422, "invalid"
    )
    assert invalid["errors"] == [
        {"field": "body.reason", "message": "Indiquez le motif du refus.", "code": "required"}
    ]
    declined = api(
        "POST",
        f"/placements/{first}/decline",
        key_a,
        {"reason": "Niveau de langue", "shared": True},
    )
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    conflict = problem(api("POST", f"/placements/{first}/confirm", key_a), 409, "refused")
    assert conflict["detail"] == (
        "Cette affectation n'attend pas cette décision : elle est maintenant « Refusée »."
    )
    assert Placement.objects.get(pk=second).status == "proposed"


def test_a_decision_after_the_deadline_gets_the_pages_message(api, key_a, sent_contingent):
    first, _second = ids(sent_contingent)
    Placement.objects.filter(pk=first).update(deadline=timezone.now() - timedelta(hours=1))
    detail = problem(api("POST", f"/placements/{first}/confirm", key_a), 409, "refused")["detail"]
    assert detail.startswith("La date limite de réponse")
    assert Placement.objects.get(pk=first).status == "proposed"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"reason": 12, "shared": "maybe"}', b'"text"'],
)
def test_a_malformed_body_is_a_problem_and_changes_nothing(api, key_a, sent_contingent, body):
    first, _second = ids(sent_contingent)
    problem(api("POST", f"/placements/{first}/decline", key_a, body), 422, "invalid")
    assert Placement.objects.get(pk=first).status == "proposed"


def test_problems_speak_the_language_of_accept_language(api, key_a, read_key_a, sent_contingent):
    first, _second = ids(sent_contingent)
    answer = api("POST", f"/placements/{first}/confirm", read_key_a, language="en")
    document = problem(answer, 403, "forbidden")
    assert (document["title"], document["detail"]) == (
        "Not allowed with this key",
        "This key may only read.",
    )
    assert answer["Content-Language"] == "en"
    invalid = problem(
        api("POST", f"/placements/{first}/decline", key_a, {"shared": "x"}, language="en"),
        422,
        "invalid",
    )
    assert [e["message"] for e in invalid["errors"]] == [
        "This field is required.",
        "true or false is expected.",
    ]


# The mission's dates and reports -----------------------------------------------------------------


def test_departure_arrival_return_and_reports_through_the_same_rules(
    api, key_a, sent_contingent, tmp_path
):
    first, second = ids(sent_contingent)
    assert api("POST", f"/placements/{first}/confirm", key_a).json()["status"] == "confirmed"
    today = timezone.localdate()
    early = api.client.post(
        f"/api/v1/placements/{first}/reports/midterm",
        {"text": "Trop tôt."},
        HTTP_AUTHORIZATION=f"Bearer {key_a}",
    )
    assert problem(early, 409, "refused")["detail"] == "Ce rapport ne peut pas encore être déposé."

    future = (today + timedelta(days=3)).isoformat()
    problem(api("POST", f"/placements/{first}/departure", key_a, {"on": future}), 409, "refused")
    departed = api("POST", f"/placements/{first}/departure", key_a, {"on": today.isoformat()})
    assert departed.status_code == 200, departed.content
    assert departed.json()["actual_departure"] == today.isoformat()
    arrived = api("POST", f"/placements/{first}/arrival", key_a, {"on": today.isoformat()})
    assert arrived.json()["status"] == "arrived"

    upload = SimpleUploadedFile("rapport.pdf", PDF, content_type="application/pdf")
    answer = api.client.post(
        f"/api/v1/placements/{first}/reports/midterm",
        {"text": "Tout va bien.", "file": upload},
        HTTP_AUTHORIZATION=f"Bearer {key_a}",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["reports"] == {"midterm": True, "final": False}
    fake = SimpleUploadedFile(
        "rapport.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    refused = api.client.post(
        f"/api/v1/placements/{first}/reports/final",
        {"text": "Fin.", "file": fake},
        HTTP_AUTHORIZATION=f"Bearer {key_a}",
    )
    assert problem(refused, 422, "invalid")["errors"][0]["field"] == "body.file"
    assert not Placement.objects.get(pk=first).final_report

    interrupted = api(
        "POST",
        f"/placements/{first}/interruption",
        key_a,
        {"on": today.isoformat(), "reason": "Santé"},
    )
    assert interrupted.json()["status"] == "interrupted"
    problem(
        api("POST", f"/placements/{second}/arrival", key_a, {"on": today.isoformat()}),
        409,
        "refused",
    )


def test_a_body_over_the_limit_is_refused_before_it_is_read(api, key_a, sent_contingent, settings):
    settings.API_MAX_BODY_BYTES = 1024
    first, _second = ids(sent_contingent)
    answer = api("POST", f"/placements/{first}/decline", key_a, {"reason": "x" * 2000})
    problem(answer, 413, "too-large")
    assert Placement.objects.get(pk=first).status == "proposed"


def test_each_key_has_its_own_rate_limit(api, key_a, key_b, sent_contingent, settings):
    settings.API_RATE_LIMIT = "3/min"
    for _ in range(3):
        assert api("GET", "/placements", key_a).status_code == 200
    limited = api("GET", "/placements", key_a)
    problem(limited, 429, "rate-limited")
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert api("GET", "/placements", key_b).status_code == 200


# Lists --------------------------------------------------------------------------------------------


def test_lists_page_by_cursor_without_gaps_or_repeats_and_filter(
    api, key_a, sent_contingent, org_a, manager
):
    from tests.factories import ApplicationFactory, MissionFactory, complete_volunteer

    mission = sent_contingent.placements.first().mission
    more = ContingentFactory(partner=org_a, call=sent_contingent.call, capacity=5)
    for n in range(3):
        volunteer = complete_volunteer(first_name=f"Autre{n}")
        application = ApplicationFactory(call=more.call, volunteer=volunteer, status="shortlisted")
        services.add_to_contingent(more, actor=manager, application=application, mission=mission)
    services.send_contingent(more, actor=manager)
    del MissionFactory
    seen, cursor, pages = [], None, 0
    while True:
        query = "/placements?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api("GET", query, key_a).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert (pages, seen) == (3, sorted(Placement.objects.values_list("pk", flat=True)))
    only = api("GET", f"/placements?contingent={more.pk}", key_a).json()["items"]
    assert {item["contingent"]["id"] for item in only} == {more.pk} and len(only) == 3
    assert len(api("GET", "/placements?waiting=true", key_a).json()["items"]) == 5
    assert api("GET", "/placements?status=confirmed", key_a).json()["items"] == []
    problem(api("GET", "/placements?status=nope", key_a), 422, "invalid")
    problem(api("GET", "/placements?limit=1000", key_a), 422, "invalid")
    problem(api("GET", "/placements?cursor=forged", key_a), 422, "invalid")
    other_list = api("GET", "/contingents?limit=1", key_a).json()["next_cursor"]
    problem(api("GET", f"/placements?cursor={other_list}", key_a), 422, "invalid")


def test_the_placements_list_costs_the_same_queries_at_any_size(
    api, key_a, sent_contingent, org_a, manager, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9) as small:
        assert len(api("GET", "/placements", key_a).json()["items"]) == 2
    from tests.factories import ApplicationFactory, complete_volunteer

    mission = sent_contingent.placements.first().mission
    more = ContingentFactory(partner=org_a, call=sent_contingent.call, capacity=8)
    for n in range(8):
        application = ApplicationFactory(
            call=more.call, volunteer=complete_volunteer(first_name=f"N{n}"), status="shortlisted"
        )
        services.add_to_contingent(more, actor=manager, application=application, mission=mission)
    services.send_contingent(more, actor=manager)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api("GET", "/placements", key_a).json()["items"]) == 10


def test_contingents_and_missions_of_the_organisation_only(
    api, key_a, sent_contingent, org_b, manager
):
    ContingentFactory(partner=org_b)
    contingents = api("GET", "/contingents", key_a).json()["items"]
    assert [c["id"] for c in contingents] == [sent_contingent.pk]
    assert contingents[0]["status"] == "sent_to_partner"
    missions = api("GET", "/missions", key_a).json()["items"]
    assert [m["title"] for m in missions] == ["Mission secrète à Lyon"]
    one = api("GET", f"/missions/{missions[0]['id']}", key_a).json()
    assert one["country"] == "FR"


# Declarations of foreign volunteers ---------------------------------------------------------------


def declaration(host, theme, **changes):
    start = timezone.localdate() + timedelta(days=30)
    return {
        "first_name": "Jonas",
        "last_name": "Weber",
        "nationality": "BE",
        "birth_date": "2001-04-12",
        "passport_number": "EH123456",
        "sending_organisation": "France Volontaires",
        "host_structure": host.pk,
        "region": "kara",
        "theme": theme.pk,
        "arrival_date": start.isoformat(),
        "departure_date": (start + timedelta(days=180)).isoformat(),
        "emergency_contact_name": "Anna Weber",
        "emergency_contact_phone": "+32 470 12 34 56",
        **changes,
    }


def test_declarations_are_created_checked_flagged_and_corrected_while_declared(
    api, key_a, org_a, manager
):
    host, unverified, theme = HostFactory(), HostFactory(verified=False), ThemeFactory()
    wrong_region = api("POST", "/incoming", key_a, declaration(host, theme, region="savanes"))
    assert "région" in problem(wrong_region, 422, "invalid")["errors"][0]["message"]
    bad_phone = api(
        "POST", "/incoming", key_a, declaration(host, theme, emergency_contact_phone="12")
    )
    assert problem(bad_phone, 422, "invalid")["errors"][0]["field"] == (
        "body.emergency_contact_phone"
    )
    assert not IncomingVolunteer.objects.exists()

    created = api("POST", "/incoming", key_a, declaration(unverified, theme))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["flagged"], body["host_check"], body["passport_number_masked"]) == (
        True,
        "unverified",
        "••••••56",
    )
    assert body["emergency_contact_phone"] == "+32470123456"
    row = IncomingVolunteer.objects.get()
    assert (row.partner, row.declared_by.partner_membership.organisation) == (org_a, org_a)

    moved = api("PATCH", f"/incoming/{row.pk}", key_a, {"host_structure": host.pk})
    assert (moved.json()["flagged"], moved.json()["last_name"]) == (False, "Weber")
    listed = api("GET", "/incoming?flagged=false", key_a).json()["items"]
    assert [item["id"] for item in listed] == [row.pk]

    services.validate_incoming(row, actor=manager)
    refused = api("PATCH", f"/incoming/{row.pk}", key_a, {"last_name": "Autre"})
    assert problem(refused, 409, "refused")["detail"] == (
        "Un·e volontaire validé·e par l'ANVT ne peut plus être modifié·e."
    )
    assert IncomingVolunteer.objects.get().last_name == "Weber"
    assert api("GET", "/incoming?status=validated", key_a).json()["items"][0]["id"] == row.pk


def test_a_read_key_cannot_declare(api, read_key_a):
    host, theme = HostFactory(), ThemeFactory()
    problem(api("POST", "/incoming", read_key_a, declaration(host, theme)), 403, "forbidden")
    assert not IncomingVolunteer.objects.exists()


def test_a_coordinator_who_became_viewer_cannot_write_with_an_old_key(
    api, key_a, coordinator_a, sent_contingent
):
    PartnerMembership.objects.filter(user=coordinator_a).update(role="viewer")
    first, _second = ids(sent_contingent)
    assert api("GET", "/placements", key_a).status_code == 200
    problem(api("POST", f"/placements/{first}/confirm", key_a), 403, "forbidden")


def test_keys_are_counted_per_organisation(coordinator_a, org_a):
    from accounts import integrations
    from anvt.errors import Refused

    for n in range(integrations.MAX_ACTIVE_KEYS):
        key_for(coordinator_a, org_a, name=f"Clé {n}")
    with pytest.raises(Refused, match="déjà 10 clés actives"):
        key_for(coordinator_a, org_a, name="Une de trop")


# What the review found --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "slug"),
    [
        ("GET", "/placements?contingent=99999999999999999999", "invalid"),
        ("GET", "/placements/99999999999999999999", "invalid"),
        ("GET", "/placements/", "not-found"),
        ("GET", "/nothing-here", "not-found"),
        ("DELETE", "/placements", "method-not-allowed"),
        ("GET", "/placements/1/confirm", "method-not-allowed"),
    ],
)
def test_every_answer_of_the_api_is_a_problem_document(
    api, key_a, sent_contingent, method, path, slug
):
    status = {"invalid": 422, "not-found": 404, "method-not-allowed": 405}[slug]
    problem(api(method, path, key_a), status, slug)


def test_a_multipart_body_to_a_json_operation_keeps_the_json_limit(api, key_a, sent_contingent):
    first, _second = ids(sent_contingent)
    big = api.client.post(
        f"/api/v1/placements/{first}/decline",
        {"reason": "x" * 100_000},
        HTTP_AUTHORIZATION=f"Bearer {key_a}",
    )
    problem(big, 413, "too-large")
    broken = api.client.generic(
        "POST",
        f"/api/v1/placements/{first}/reports/midterm",
        b'--nope\r\nContent-Disposition: form-data; name="text"\r\n\r\nA',
        content_type="multipart/form-data; boundary=nope",
        HTTP_AUTHORIZATION=f"Bearer {key_a}",
    )
    assert broken.status_code in (409, 422), broken.content  # a problem, never a 500
    assert broken["Content-Type"] == "application/problem+json"
    assert Placement.objects.get(pk=first).status == "proposed"


def test_a_cancelled_proposal_stays_readable_by_the_system_told_of_it(
    api, key_a, sent_contingent, manager
):
    first = sent_contingent.placements.order_by("pk").first()
    services.withdraw_proposal(first, actor=manager, reason="Sans réponse")
    read = api("GET", f"/placements/{first.pk}", key_a)
    assert (read.status_code, read.json()["status"]) == (200, "cancelled")
    listed = api("GET", "/placements?status=cancelled", key_a).json()["items"]
    assert [item["id"] for item in listed] == [first.pk]
    problem(api("POST", f"/placements/{first.pk}/confirm", key_a), 409, "refused")


def test_a_key_stops_when_its_creator_turns_two_factor_off(api, key_a, coordinator_a):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=coordinator_a).delete()
    detail = problem(api("GET", "/placements", key_a), 401, "unauthorized")["detail"]
    assert "double authentification" in detail


def test_a_key_of_an_organisation_no_longer_active_is_refused(api, key_a, org_a):
    org_a.active = False
    org_a.save(update_fields=["active"])
    detail = problem(api("GET", "/placements", key_a), 401, "unauthorized")["detail"]
    assert detail == "Votre organisation n'est plus active sur le portail."
