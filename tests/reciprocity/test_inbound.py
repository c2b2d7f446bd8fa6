"""Inbound regulation (issue 21): host structures in Togo registered and verified by ANVT; a
foreign volunteer declared at a host that is unverified, lapsed or typed in is flagged on the
declaration, in the staff list and on the dashboard, managers are told, and validating it needs
a reason; a host of another region than the mission is refused."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import StatusChange
from missions.models import IncomingVolunteer
from notifications.models import Notification
from partners.models import HostVerification, PartnerOrganisation
from tests.factories import HostFactory, IncomingFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def declaration(host, **changes):
    return {
        "first_name": "Lucie",
        "last_name": "Bernard",
        "nationality": "FR",
        "birth_date": "2000-05-01",
        "passport_number": "21FR99881",
        "sending_organisation": "France Volontaires",
        "host_structure": host.pk if host else "",
        "host_structure_name": "",
        "region": "kara",
        "theme": ThemeFactory().pk,
        "arrival_date": "2027-01-05",
        "departure_date": "2027-07-05",
        "emergency_contact_name": "Jean Bernard",
        "emergency_contact_phone": "+33611223344",
        **changes,
    }


@pytest.fixture
def coordinator_client(coordinator_a):
    client = Client()
    client.force_login(coordinator_a)
    return client


@pytest.mark.parametrize(
    ("verified", "check"),
    [(None, "verified"), (False, "unverified"), ("lapsed", "lapsed")],
)
def test_a_declaration_at_a_host_not_verified_today_is_flagged_and_managers_told(
    coordinator_client, manager, verified, check
):
    until = timezone.localdate() - timedelta(days=1) if verified == "lapsed" else verified
    host = HostFactory(name="Maison des jeunes de Kara", verified=until)
    response = coordinator_client.post(reverse("partners:incoming_add"), declaration(host))
    assert response.status_code == 302
    incoming = IncomingVolunteer.objects.with_host_check().get()
    assert incoming.host_check == check
    told = Notification.objects.filter(user=manager, event="incoming_unverified_host")
    listing = coordinator_client.get(reverse("partners:incoming")).content.decode()
    if check == "verified":
        assert not incoming.flagged and not told.exists()
        assert "⚠" not in listing
        return
    assert incoming.flagged
    assert told.filter(channel="in_app").get().body.count("Maison des jeunes de Kara") == 1
    assert "⚠" in listing


def test_a_host_typed_in_is_flagged_too(coordinator_client, manager):
    coordinator_client.post(
        reverse("partners:incoming_add"),
        declaration(None, host_structure_name="Centre social de Dapaong"),
    )
    incoming = IncomingVolunteer.objects.get()
    assert (incoming.host_check, incoming.flagged) == ("unlisted", True)
    assert Notification.objects.filter(user=manager, event="incoming_unverified_host").exists()


def test_a_host_of_another_region_than_the_mission_is_refused(coordinator_client, manager):
    host = HostFactory(name="Centre de Kpalimé", region="plateaux")
    response = coordinator_client.post(
        reverse("partners:incoming_add"), declaration(host, region="savanes")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Centre de Kpalimé est enregistrée dans la région Plateaux" in html
    assert "la mission est dans la région Savanes" in html
    assert not IncomingVolunteer.objects.exists()
    assert not Notification.objects.exists()


def test_validating_a_flagged_declaration_needs_a_reason(manager_client, manager):
    incoming = IncomingFactory(host_structure=HostFactory(verified=False))
    url = reverse("staff:incoming_validate", args=[incoming.pk])
    listing = manager_client.get(reverse("staff:incoming")).content.decode()
    assert "jamais vérifiée" in listing and 'name="reason"' in listing
    response = manager_client.post(url, {"reason": "  "}, follow=True)
    assert "dites pourquoi vous validez quand même" in response.content.decode()
    incoming.refresh_from_db()
    assert incoming.status == "declared"
    assert not StatusChange.objects.filter(object_id=incoming.pk).exists()

    manager_client.post(url, {"reason": "Visite faite le 3 novembre, papiers en cours."})
    incoming.refresh_from_db()
    assert incoming.status == "validated"
    change = StatusChange.objects.get(object_id=incoming.pk, to_status="validated")
    assert change.reason == "Visite faite le 3 novembre, papiers en cours."


def test_a_verified_host_needs_no_reason(manager_client):
    incoming = IncomingFactory()
    manager_client.post(reverse("staff:incoming_validate", args=[incoming.pk]))
    incoming.refresh_from_db()
    assert incoming.status == "validated"


def test_the_staff_list_and_the_dashboard_show_the_flags(
    manager_client, django_assert_max_num_queries
):
    IncomingFactory(host_structure=HostFactory(verified=False))
    IncomingFactory(host_structure=HostFactory(verified=timezone.localdate() - timedelta(days=3)))
    IncomingFactory()  # verified
    IncomingFactory(host_structure=HostFactory(verified=False), status="completed")  # ended
    dashboard = manager_client.get(reverse("staff:dashboard")).content.decode()
    assert "2 volontaires étranger·ère·s sont déclaré·e·s chez une structure" in dashboard
    with django_assert_max_num_queries(12):
        flagged = manager_client.get(reverse("staff:incoming") + "?signalees=1").content.decode()
    assert flagged.count('id="incoming-') == 2
    assert "vérification échue le" in flagged and "jamais vérifiée" in flagged
    assert (
        manager_client.get(reverse("staff:incoming")).content.decode().count('id="incoming-') == 4
    )


def test_managers_register_and_verify_hosts(manager_client, manager):
    response = manager_client.post(
        reverse("staff:host_add"),
        {
            "name": "Jeunesse Active des Savanes", "region": "savanes", "city": "Dapaong",
            "legal_form": "ngo", "contact_name": "Lardja Bawa", "contact_phone": "90 11 22 33",
            "active": "on",
        },
    )  # fmt: skip
    host = PartnerOrganisation.objects.get(name="Jeunesse Active des Savanes")
    assert response["Location"] == reverse("staff:host", args=[host.pk])
    assert (host.kind, host.country, host.contact_phone) == ("host_structure", "TG", "+22890112233")
    verify = reverse("staff:host_verify", args=[host.pk])
    today = timezone.localdate()
    soon = today + timedelta(days=1)
    for bad, message in (
        ({"verified_on": today, "valid_until": today - timedelta(days=1)}, "avant la vérification"),
        ({"verified_on": soon, "valid_until": soon + timedelta(days=9)}, "jour à venir"),
        ({"verified_on": today, "valid_until": today + timedelta(days=4000)}, "trois ans au plus"),
        ({"verified_on": "hier", "valid_until": ""}, "Indiquez la date"),
    ):  # fmt: skip
        page = manager_client.post(verify, bad, follow=True).content.decode()
        assert message in page
    assert not HostVerification.objects.exists()
    manager_client.post(verify, {"verified_on": today, "valid_until": today + timedelta(days=730)})
    assert HostVerification.objects.get().verified_by == manager
    page = manager_client.get(reverse("staff:hosts")).content.decode()
    assert "vérifiée jusqu&#x27;au" in page or "vérifiée jusqu'au" in page
    # A registered region is required; an organisation that is no host in Togo is 404.
    response = manager_client.post(reverse("staff:host_add"), {"name": "Sans région"})
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.text
    assert not PartnerOrganisation.objects.filter(name="Sans région").exists()
    other = PartnerOrganisation.objects.create(name="France V", kind="sending_agency", country="FR")
    assert manager_client.get(reverse("staff:host", args=[other.pk])).status_code == 404
    assert manager_client.post(reverse("staff:host_verify", args=[other.pk])).status_code == 404


def test_a_partner_interrupts_a_stay_with_a_reason(coordinator_client, org_a, org_b):
    incoming = IncomingFactory(partner=org_a, status="arrived")
    url = reverse("partners:incoming_interrupted", args=[incoming.pk])
    coordinator_client.post(url, {"reason": ""})
    incoming.refresh_from_db()
    assert incoming.status == "arrived"
    coordinator_client.post(url, {"reason": "Rapatriement sanitaire."})
    incoming.refresh_from_db()
    assert incoming.status == "interrupted"
    theirs = IncomingFactory(partner=org_b, status="arrived")
    response = coordinator_client.post(
        reverse("partners:incoming_interrupted", args=[theirs.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "arrived"


def test_moving_a_declaration_to_an_unverified_host_tells_the_managers(
    coordinator_client, manager, org_a
):
    verified = HostFactory(name="Maison des jeunes de Kara")
    coordinator_client.post(reverse("partners:incoming_add"), declaration(verified))
    incoming = IncomingVolunteer.objects.get()
    assert not Notification.objects.filter(event="incoming_unverified_host").exists()
    unverified = HostFactory(name="Foyer de Niamtougou", verified=False)
    coordinator_client.post(
        reverse("partners:incoming_edit", args=[incoming.pk]), declaration(unverified)
    )
    incoming.refresh_from_db()
    assert incoming.host_structure == unverified
    told = Notification.objects.get(user=manager, channel="in_app")
    assert "Foyer de Niamtougou" in told.body


def test_a_host_verified_twice_counts_its_volunteers_once(manager_client):
    host = HostFactory(name="Centre de Kara")
    HostVerification.objects.create(
        organisation=host,
        verified_on=timezone.localdate() - timedelta(days=900),
        valid_until=timezone.localdate() - timedelta(days=200),
    )
    IncomingFactory(host_structure=host)
    page = manager_client.get(reverse("staff:hosts")).content.decode()
    row = page[page.index("Centre de Kara") :].split("</tr>")[0]
    assert row.rstrip().endswith("<td>1</td>")
