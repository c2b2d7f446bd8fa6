"""Calls, missions, contingents and the dashboard, through the pages of programme managers."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missions import services
from missions.enums import MissionStatus
from missions.models import Call, Contingent, EligibilityBatch, Mission, Placement
from tests.conftest import at_once, require_service
from tests.factories import (
    ApplicationFactory,
    ContingentFactory,
    MembershipFactory,
    MissionFactory,
    PartnerFactory,
    ThemeFactory,
    complete_volunteer,
)

pytestmark = pytest.mark.django_db


def call_data(call, **changes):
    local = "%Y-%m-%dT%H:%M"
    data = {
        "title": call.title,
        "description": "",
        "opens_at": timezone.localtime(call.opens_at).strftime(local),
        "closes_at": timezone.localtime(call.closes_at).strftime(local),
        "reference_date": "2026-02-28",
        "min_age": 18,
        "max_age": 25,
        "min_experience_months": 24,
        "nationality_statuses": ["togolese_resident", "togolese_diaspora"],
        "required_documents": ["cv", "motivation_letter", "experience_certificate"],
        "max_choices": 3,
        "min_reviews": 2,
        "confirmation_days": 10,
        "missions": [m.pk for m in call.missions.all()],
    }
    return {**data, **changes}


def test_changing_eligibility_rules_starts_the_batch_and_shows_progress(
    manager_client, call, django_capture_on_commit_callbacks
):
    ApplicationFactory(
        call=call, volunteer=complete_volunteer(birth_date=date(1999, 1, 1)), status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("staff:call_edit", args=[call.pk]), call_data(call, max_age=30)
        )
    batch = EligibilityBatch.objects.get()
    assert response["Location"] == reverse("staff:batch", args=[batch.pk])
    page = manager_client.get(response["Location"])
    assert "1 candidatures sur 1 vérifiées" in page.text
    progress = manager_client.get(
        response["Location"], headers={"accept": "application/json"}
    ).json()
    assert progress == {"status": "done", "done": 1, "total": 1, "changed": 1}
    assert call.applications.get().status == "eligible"


def test_changing_only_the_title_does_not_recheck(manager_client, call):
    manager_client.post(
        reverse("staff:call_edit", args=[call.pk]), call_data(call, title="Nouveau titre")
    )
    assert Call.objects.get().title == "Nouveau titre"
    assert not EligibilityBatch.objects.exists()


def test_bad_call_input_is_refused_with_messages(manager_client, call):
    response = manager_client.post(
        reverse("staff:call_edit", args=[call.pk]),
        call_data(call, closes_at="2025-01-01T00:00", max_age=16, max_choices=0),
    )
    errors = response.context["form"].errors
    assert errors["closes_at"] == ["La clôture doit suivre l'ouverture."]
    assert errors["max_age"] == ["L'âge maximum doit être au moins l'âge minimum."]
    assert "max_choices" in errors
    call.refresh_from_db()
    assert call.max_age == 25


def test_manager_creates_a_mission_with_languages(manager_client):
    theme, partner = ThemeFactory(), PartnerFactory()
    response = manager_client.post(
        reverse("staff:mission_create"),
        {
            "title": "Chantier à Sokodé",
            "description": "Rénovation d'une école",
            "theme": theme.pk,
            "direction": "incoming",
            "partner": partner.pk,
            "country": "TG",
            "city": "Sokodé",
            "start_date": "2027-01-10",
            "end_date": "2027-03-10",
            "seats": 4,
            "languages-TOTAL_FORMS": "1",
            "languages-INITIAL_FORMS": "0",
            "languages-0-language": "fr",
            "languages-0-level": "B1",
        },
    )
    assert response.status_code == 302
    mission = Mission.objects.get(title="Chantier à Sokodé")
    assert (mission.status, list(mission.languages.values_list("language", "level"))) == (
        "draft",
        [("fr", "B1")],
    )


def test_partner_proposed_mission_is_published_or_returned(manager_client):
    proposed = MissionFactory(status=MissionStatus.PROPOSED)
    other = MissionFactory(status=MissionStatus.PROPOSED)
    manager_client.post(reverse("staff:mission_publish", args=[proposed.pk]))
    response = manager_client.post(
        reverse("staff:mission_return", args=[other.pk]), {"comment": ""}, follow=True
    )
    assert "Expliquez au partenaire ce qu&#x27;il faut revoir." in response.text
    manager_client.post(
        reverse("staff:mission_return", args=[other.pk]),
        {"comment": "Précisez les dates"},
    )
    assert dict(Mission.objects.values_list("pk", "status")) == {
        proposed.pk: "published",
        other.pk: "draft",
    }
    assert Mission.objects.get(pk=other.pk).review_comment == "Précisez les dates"


def shortlisted(call, n):
    return [
        ApplicationFactory(
            call=call, volunteer=complete_volunteer(first_name=f"Vol{i}"), status="shortlisted"
        )
        for i in range(n)
    ]


def test_contingent_is_formed_sent_and_followed_through_its_page(
    manager_client, call, manager, django_capture_on_commit_callbacks
):
    coordinator = MembershipFactory().user
    partner = coordinator.partner_membership.organisation
    mission = call.missions.get()
    response = manager_client.post(
        reverse("staff:contingents"),
        {"call": call.pk, "partner": partner.pk, "name": "VIR 2026 — France", "capacity": 2},
    )
    contingent = Contingent.objects.get()
    assert response["Location"] == reverse("staff:contingent", args=[contingent.pk])
    first, second, third = shortlisted(call, 3)
    add = reverse("staff:contingent_add", args=[contingent.pk])
    manager_client.post(add, {"application": first.pk, "mission": mission.pk})
    manager_client.post(add, {"application": second.pk, "mission": mission.pk})
    full = manager_client.post(add, {"application": third.pk, "mission": mission.pk}, follow=True)
    assert "est complet" in full.text
    assert "2 places occupées sur 2" in full.text

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("staff:contingent_send", args=[contingent.pk]))
    contingent.refresh_from_db()
    assert contingent.status == "sent_to_partner"
    assert (
        coordinator.notifications.filter(event="placement_proposed", channel="email").count() == 1
    )
    told = coordinator.notifications.get(event="placement_proposed", channel="in_app")
    assert told.link == reverse("partners:contingent", args=[contingent.pk])  # no dead end

    placement = Placement.objects.get(application=first)
    services.confirm_placement(placement, actor=coordinator)
    manager_client.post(
        reverse("staff:placement_departure", args=[placement.pk]), {"on": "2026-10-01"}
    )
    placement.refresh_from_db()
    assert (placement.status, str(placement.actual_departure)) == ("departed", "2026-10-01")
    bad = manager_client.post(
        reverse("staff:placement_arrival", args=[placement.pk]),
        {"on": "2026-09-01"},
        follow=True,
    )
    assert "L&#x27;arrivée ne peut pas précéder le départ." in bad.text
    placement.refresh_from_db()
    assert (placement.status, placement.arrival_date) == ("departed", None)

    roster = b"".join(
        manager_client.get(
            reverse("staff:contingent_roster", args=[contingent.pk])
        ).streaming_content
    )
    assert roster.decode().startswith("\ufeffNom,Prénoms,E-mail")
    assert roster.decode().count("\n") == 3


def test_bad_contingent_input_is_refused(manager_client, call):
    response = manager_client.post(
        reverse("staff:contingents"), {"call": call.pk, "name": "", "capacity": 0}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"partner", "name", "capacity"}
    assert not Contingent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_managers_adding_the_last_seat_through_the_page_one_wins(manager, call):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "concurrent transactions need PostgreSQL (DATABASE_URL)")
    contingent = ContingentFactory(call=call, capacity=1)
    mission = call.missions.get()
    applications = shortlisted(call, 2)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(manager)

    def add(client, application):
        url = reverse("staff:contingent_add", args=[contingent.pk])
        data = {"application": application.pk, "mission": mission.pk}
        return lambda: client.post(url, data, follow=True).text

    texts = at_once(*(add(c, a) for c, a in zip(clients, applications, strict=True)))

    assert sum("Volontaire ajouté·e au contingent." in text for text in texts) == 1
    assert sum(f"Le contingent « {contingent.name} » est complet." in text for text in texts) == 1
    contingent.refresh_from_db()
    assert (contingent.seats_taken, Placement.objects.count()) == (1, 1)


@pytest.mark.parametrize("size", [1, 20])
def test_dashboard_runs_a_constant_number_of_queries(
    manager_client, call, size, django_assert_max_num_queries
):
    for i in range(size):
        ApplicationFactory(
            call=call,
            volunteer=complete_volunteer(gender="female" if i % 2 else "male"),
            status="selected",
        )
    with django_assert_max_num_queries(16):
        page = manager_client.get(reverse("staff:dashboard"))
    assert page.status_code == 200
    assert "<svg" in page.text and 'class="sr-table"' in page.text
    assert f'<th scope="row">Sélectionnées</th><td>{size}</td>' in page.text.replace("\n", "")


def test_dashboard_median_days_to_decision(manager_client, call):
    for days in (2, 4, 9):
        ApplicationFactory(
            call=call,
            status="rejected",
            submitted_at=timezone.now() - timezone.timedelta(days=days),
            decided_at=timezone.now(),
        )
    assert manager_client.get(reverse("staff:dashboard")).context["median_days"] == 4.0
