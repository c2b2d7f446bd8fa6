"""Random and hostile values posted to every form: never a 500, never shown unescaped, and a
message next to what was refused."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CallFactory, ThemeFactory, complete_volunteer

SCRIPT = "<script>alert('anvt')</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE missions_mission; --",
    "\x00\x01\x1f\x7f",
    "9999-99-99",
    "2026-02-30",
    "10000-01-01",
    "-1",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "{{ 7*7 }}{% debug %}",
    "😀" * 40,
    "A" * 5000,
    "",
    " ",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers().map(str))
RUNS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post_and_check(client, url, data, show_url=None):
    response = client.post(url, data)
    assert response.status_code in (200, 302, 400, 404), (url, response.status_code)
    if response.status_code in (200, 400):
        body = response.content.decode()
        assert SCRIPT not in body
        assert "errorlist" in body or "message-error" in body, url
    if show_url:
        shown = client.get(show_url)
        assert shown.status_code == 200
        assert SCRIPT not in shown.content.decode()


def form_data(draw_values, fields):
    return dict(zip(fields, draw_values, strict=True))


VOLUNTEER_FORMS = {
    "volunteers:profile_step identity": [
        "first_name",
        "last_name",
        "birth_date",
        "gender",
        "nationality_status",
    ],
    "volunteers:profile_step contact": ["country_of_residence", "region", "city", "phone"],
    "volunteers:profile_step education": ["education_level"],
    "volunteers:profile_step consent": ["language", "consent"],
    "volunteers:experience_add": [
        "organisation",
        "programme",
        "role",
        "country",
        "start_date",
        "end_date",
        "description",
    ],
    "volunteers:documents": ["kind", "expiry_date"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("form", list(VOLUNTEER_FORMS))
@RUNS
@given(data=st.data())
def test_volunteer_forms(client, volunteer, form, data):
    client.force_login(volunteer)
    name, *args = form.split()
    fields = VOLUNTEER_FORMS[form]
    payload = form_data(
        data.draw(st.lists(values, min_size=len(fields), max_size=len(fields))), fields
    )
    post_and_check(client, reverse(name, args=args), payload, reverse("volunteers:dashboard"))


@pytest.mark.django_db
@RUNS
@given(data=st.data())
def test_application_forms(client, volunteer, data):
    if not volunteer.applications.exists():  # examples share the test's database
        complete_volunteer(volunteer)
        client.force_login(volunteer)
        client.post(reverse("volunteers:apply", args=[CallFactory().pk]))
    client.force_login(volunteer)
    application = volunteer.applications.get()
    post_and_check(
        client,
        reverse("volunteers:application_missions", args=[application.pk]),
        {"choice_1": data.draw(values), "choice_2": data.draw(values)},
    )
    post_and_check(
        client,
        reverse("volunteers:application_motivation", args=[application.pk]),
        {"motivation": data.draw(values)},
        reverse("volunteers:application", args=[application.pk]),
    )


STAFF_FORMS = {
    "staff:call_create": [
        "title",
        "opens_at",
        "closes_at",
        "reference_date",
        "min_age",
        "max_age",
        "min_experience_months",
        "max_choices",
    ],
    "staff:mission_create": [
        "title",
        "description",
        "theme",
        "direction",
        "partner",
        "country",
        "city",
        "start_date",
        "end_date",
        "seats",
    ],
    "staff:contingents": ["call", "partner", "name", "capacity", "planned_departure"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("form", list(STAFF_FORMS))
@RUNS
@given(data=st.data())
def test_staff_forms(client, manager, form, data):
    ThemeFactory()
    client.force_login(manager)
    fields = STAFF_FORMS[form]
    payload = form_data(
        data.draw(st.lists(values, min_size=len(fields), max_size=len(fields))), fields
    )
    post_and_check(client, reverse(form), payload, reverse("staff:applications"))


@pytest.mark.django_db
@RUNS
@given(data=st.data())
def test_review_and_reasons(client, manager, data):
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(status="eligible", volunteer=complete_volunteer())
    client.force_login(manager)
    scores = {
        name: data.draw(values) for name in ("motivation", "experience", "skills", "languages")
    }
    response = client.post(
        reverse("staff:application_review", args=[application.pk]),
        {**scores, "comment": data.draw(values), "recommendation": data.draw(values)},
        follow=True,
    )
    assert response.status_code == 200 and SCRIPT not in response.content.decode()
    response = client.post(
        reverse("staff:application_return", args=[application.pk]),
        {"reason": data.draw(values)},
        follow=True,
    )
    assert response.status_code == 200 and SCRIPT not in response.content.decode()


INCOMING = [
    "first_name",
    "last_name",
    "nationality",
    "birth_date",
    "passport_number",
    "sending_organisation",
    "host_structure_name",
    "region",
    "theme",
    "arrival_date",
    "departure_date",
    "emergency_contact_name",
    "emergency_contact_phone",
]


@pytest.mark.django_db
@RUNS
@given(data=st.data())
def test_partner_forms(client, coordinator_a, sent_contingent, data):
    client.force_login(coordinator_a)
    placement = sent_contingent.placements.first()
    response = client.post(
        reverse("partners:placement_decline", args=[placement.pk]),
        {"reason": data.draw(values)},
        follow=True,
    )
    assert response.status_code == 200 and SCRIPT not in response.content.decode()
    payload = form_data(
        data.draw(st.lists(values, min_size=len(INCOMING), max_size=len(INCOMING))), INCOMING
    )
    post_and_check(client, reverse("partners:incoming_add"), payload, reverse("partners:incoming"))


@pytest.mark.django_db
@RUNS
@given(data=st.data())
def test_public_forms_and_filters(client, data):
    cache.clear()
    response = client.get(
        reverse("missions:catalogue"),
        {
            name: data.draw(values)
            for name in ("q", "theme", "country", "direction", "start_month", "language", "page")
        },
    )
    assert response.status_code == 200 and SCRIPT not in response.content.decode()
    signup = client.post(
        reverse("account_signup"),
        {
            "email": data.draw(values),
            "password1": data.draw(values),
            "password2": data.draw(values),
        },
    )
    assert signup.status_code in (200, 302) and SCRIPT not in signup.content.decode()
