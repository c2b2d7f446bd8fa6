import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions.models import Contingent, IncomingVolunteer, Mission, Placement
from notifications.models import Notification
from tests.conftest import with_totp
from tests.factories import ThemeFactory
from tests.files import PDF

pytestmark = pytest.mark.django_db


def placements(contingent):
    return list(contingent.placements.order_by("pk"))


def test_home_shows_what_waits_first(client, coordinator_a, sent_contingent):
    client.force_login(coordinator_a)
    page = client.get(reverse("partners:home"))
    assert "2 affectations à confirmer" in page.text
    assert page.text.index("à confirmer") < page.text.index("Vos contingents")
    assert "répondre avant le" in page.text


def test_coordinator_confirms_and_declines_with_a_reason(
    client, coordinator_a, sent_contingent, manager, django_capture_on_commit_callbacks
):
    first, second = placements(sent_contingent)
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:placement_confirm", args=[first.pk]), {})
        refused = client.post(
            reverse("partners:placement_decline", args=[second.pk]),
            {"reason": ""},
            follow=True,
        )
    assert "Indiquez le motif du refus." in refused.text
    second.refresh_from_db()
    assert second.status == "proposed"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("partners:placement_decline", args=[second.pk]),
            {"reason": "Niveau de langue insuffisant"},
        )
    first.refresh_from_db()
    second.refresh_from_db()
    contingent = Contingent.objects.get()
    assert (first.status, second.status, second.decline_reason) == (
        "confirmed",
        "declined",
        "Niveau de langue insuffisant",
    )
    assert contingent.seats_taken == 1
    assert (
        first.application.volunteer.notifications.filter(
            event="application_status", channel="email"
        ).count()
        == 2
    )
    decisions = Notification.objects.filter(
        user=manager, event="placement_decided", channel="in_app"
    )
    assert decisions.count() == 2
    assert "Niveau de langue insuffisant" in decisions.order_by("pk").last().body


def test_viewers_read_but_cannot_decide(client, viewer_a, sent_contingent):
    first = placements(sent_contingent)[0]
    client.force_login(viewer_a)
    page = client.get(reverse("partners:placement", args=[first.pk]))
    assert page.status_code == 200
    assert "Confirmer l&#x27;affectation" not in page.text
    response = client.post(reverse("partners:placement_confirm", args=[first.pk]), {}, follow=True)
    assert "Seul·e un·e coordinateur·rice" in response.text
    first.refresh_from_db()
    assert first.status == "proposed"


def test_coordinators_need_two_factor_authentication_to_decide(
    client, coordinator_a, sent_contingent
):
    coordinator_a.authenticator_set.all().delete()
    first = placements(sent_contingent)[0]
    client.force_login(coordinator_a)
    response = client.post(reverse("partners:placement_confirm", args=[first.pk]), {})
    assert response["Location"] == reverse("mfa_activate_totp")
    first.refresh_from_db()
    assert first.status == "proposed"


def test_the_mission_is_followed_to_its_end_and_the_contingent_completes(
    client, coordinator_a, sent_contingent
):
    first, second = placements(sent_contingent)
    client.force_login(coordinator_a)
    for placement in (first, second):
        client.post(reverse("partners:placement_confirm", args=[placement.pk]), {})
        client.post(
            reverse("partners:placement_departure", args=[placement.pk]),
            {"on": "2026-10-01"},
        )
    client.post(reverse("partners:placement_arrival", args=[first.pk]), {"on": "2026-10-02"})

    report = client.post(
        reverse("partners:placement_report_midterm", args=[first.pk]),
        {
            "midterm-text": "Très bonne intégration.",
            "midterm-file": SimpleUploadedFile("rapport.pdf", PDF),
        },
    )
    assert report.status_code == 302
    first.refresh_from_db()
    assert (str(first.arrival_date), first.midterm_report) == (
        "2026-10-02",
        "Très bonne intégration.",
    )
    download = client.get(reverse("partners:placement_report_midterm_file", args=[first.pk]))
    assert b"".join(download.streaming_content) == PDF

    bad_file = client.post(
        reverse("partners:placement_report_final", args=[first.pk]),
        {"final-text": "Fin.", "final-file": SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00evil")},
        follow=True,
    )
    assert "Seuls les fichiers PDF, JPEG et PNG sont acceptés." in bad_file.text

    client.post(reverse("partners:placement_return", args=[first.pk]), {"on": "2026-11-20"})
    no_reason = client.post(
        reverse("partners:placement_interrupt", args=[second.pk]),
        {"on": "2026-11-10"},
        follow=True,
    )
    assert "Indiquez la date du retour et le motif" in no_reason.text
    client.post(
        reverse("partners:placement_interrupt", args=[second.pk]),
        {"on": "2026-11-10", "reason": "Raison familiale"},
    )
    assert list(Placement.objects.order_by("pk").values_list("status", flat=True)) == [
        "completed",
        "interrupted",
    ]
    assert Contingent.objects.get().status == "completed"


def incoming_data(**changes):
    return {
        "first_name": "Lucie",
        "last_name": "Bernard",
        "nationality": "FR",
        "birth_date": "2000-05-01",
        "passport_number": "21fr 99881",
        "sending_organisation": "France Volontaires",
        "host_structure_name": "Centre social de Dapaong",
        "region": "savanes",
        "theme": ThemeFactory().pk,
        "arrival_date": "2027-01-05",
        "departure_date": "2027-07-05",
        "emergency_contact_name": "Jean Bernard",
        "emergency_contact_phone": "+33611223344",
        **changes,
    }


def test_incoming_volunteer_is_declared_edited_then_validated_by_anvt(
    client, coordinator_a, manager, org_a
):
    client.force_login(coordinator_a)
    bad = client.post(
        reverse("partners:incoming_add"),
        incoming_data(departure_date="2026-12-01", emergency_contact_phone="0611"),
    )
    assert set(bad.context["form"].errors) == {"departure_date", "emergency_contact_phone"}
    assert not IncomingVolunteer.objects.exists()

    client.post(reverse("partners:incoming_add"), incoming_data())
    incoming = IncomingVolunteer.objects.get()
    assert (incoming.partner, incoming.passport_number, incoming.status) == (
        org_a,
        "21FR99881",
        "declared",
    )
    client.post(
        reverse("partners:incoming_edit", args=[incoming.pk]), incoming_data(first_name="Lucille")
    )
    incoming.refresh_from_db()
    assert incoming.first_name == "Lucille"
    listing = client.get(reverse("partners:incoming"))
    assert "•••••••81" in listing.text and "21FR99881" not in listing.text

    client.force_login(manager)
    staff_list = client.get(reverse("staff:incoming"))
    assert "21FR99881" in staff_list.text
    # The host was typed in, not chosen from ANVT's registry: validating it needs a reason.
    client.post(reverse("staff:incoming_validate", args=[incoming.pk]))
    incoming.refresh_from_db()
    assert incoming.status == "declared"
    client.post(
        reverse("staff:incoming_validate", args=[incoming.pk]),
        {"reason": "Centre visité par l'antenne de Dapaong la semaine dernière."},
    )
    incoming.refresh_from_db()
    assert incoming.status == "validated"

    client.force_login(coordinator_a)
    client.post(
        reverse("partners:incoming_edit", args=[incoming.pk]), incoming_data(first_name="Changé")
    )
    incoming.refresh_from_db()
    assert incoming.first_name == "Lucille"
    client.post(reverse("partners:incoming_arrived", args=[incoming.pk]))
    incoming.refresh_from_db()
    assert incoming.status == "arrived"


def test_mission_offer_is_proposed_then_published_or_returned(
    client, coordinator_a, manager, org_a
):
    theme = ThemeFactory()
    data = {
        "title": "Animation d'ateliers santé à Lille",
        "description": "Ateliers de prévention dans les centres sociaux.",
        "theme": theme.pk,
        "direction": "outgoing",
        "country": "FR",
        "city": "Lille",
        "start_date": "2027-02-01",
        "end_date": "2027-10-31",
        "seats": 2,
        "languages-TOTAL_FORMS": "1",
        "languages-INITIAL_FORMS": "0",
        "languages-0-language": "fr",
        "languages-0-level": "B2",
        "propose": "1",
    }
    client.force_login(coordinator_a)
    client.post(reverse("partners:mission_add"), data)
    offer = Mission.objects.get()
    assert (offer.partner, offer.status) == (org_a, "proposed")

    client.force_login(manager)
    client.post(
        reverse("staff:mission_return", args=[offer.pk]),
        {"comment": "Précisez le public visé"},
    )
    client.force_login(coordinator_a)
    page = client.get(reverse("partners:missions"))
    assert "Précisez le public visé" in page.text and "Brouillon" in page.text
    client.post(
        reverse("partners:mission_edit", args=[offer.pk]), {**data, "languages-TOTAL_FORMS": "0"}
    )
    offer.refresh_from_db()
    assert offer.status == "proposed"
    client.force_login(manager)
    client.post(reverse("staff:mission_publish", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "published"


def test_coordinator_sees_the_members_and_viewers_do_not(client, coordinator_a, viewer_a):
    client.force_login(coordinator_a)
    page = client.get(reverse("partners:members"))
    assert viewer_a.email in page.text and coordinator_a.email in page.text
    client.force_login(viewer_a)
    assert client.get(reverse("partners:members")).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_partner_home_runs_a_constant_number_of_queries(
    client, coordinator_a, org_a, manager, count, django_assert_max_num_queries
):
    from missions import services
    from tests.factories import ApplicationFactory, CallFactory, MissionFactory, complete_volunteer

    mission = MissionFactory(partner=org_a)
    call = CallFactory(missions=[mission])
    contingent = services.create_contingent(
        actor=manager, call=call, partner=org_a, name="C", capacity=count
    )
    for _ in range(count):
        application = ApplicationFactory(
            call=call, volunteer=complete_volunteer(), status="shortlisted"
        )
        services.add_to_contingent(
            contingent, actor=manager, application=application, mission=mission
        )
    services.send_contingent(contingent, actor=manager)
    client.force_login(coordinator_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("partners:home"))
    assert len(page.context["agenda"].to_confirm) == count


def test_seed_demo_gives_each_partner_a_different_non_empty_home(client):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo")
    User = get_user_model()
    # Partner users read personal data: two-factor authentication first (issue 12).
    client.force_login(with_totp(User.objects.get(email="coordinator@france-volontaires.demo")))
    fv = client.get(reverse("partners:home"))
    # Sena confirmed by France Volontaires (now with the host in Lille), Kodjo still to confirm.
    assert len(fv.context["agenda"].to_confirm) == 1
    client.force_login(with_totp(User.objects.get(email="coordinator@lome-solidarite.demo")))
    lome = client.get(reverse("partners:home"))
    assert (
        lome.context["agenda"].to_confirm == [] and len(lome.context["agenda"].incoming_todo) == 1
    )
    assert "Camille" in lome.text and "Camille" not in fv.text
