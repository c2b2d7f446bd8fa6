"""Issue 15, the reminders: once a day each person gets one digest of the items they must act
on (due within three days, or late); the partner's items go to its coordinators, ANVT's to the
programme managers; the managers are told of departures within 14 days with a late item. A
second run the same day adds nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from mobility import services
from mobility.enums import ItemOwner
from mobility.models import MobilityItem
from mobility.reminders import digests
from notifications.models import Notification
from tests.mobility.conftest import checklist_row, confirmed

pytestmark = pytest.mark.django_db
LOME = ZoneInfo("Africa/Lome")
MORNING = datetime(2027, 3, 1, 7, 0, tzinfo=LOME)
NOTHING = {"digests": 0, "at_risk": 0}
V, P, A = ItemOwner.VOLUNTEER, ItemOwner.PARTNER, ItemOwner.ANVT


def make_checklist(rows):
    created = {}
    for n, (label, owner, days) in enumerate(rows):
        created[label] = checklist_row("FR", label, owner, False, False, days, False, n)
        created[label].save()
    return created


def sent(event, user=None):
    rows = Notification.objects.filter(event=event)
    if user is not None:
        rows = rows.filter(user=user)
    return rows


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(MORNING, tick=False)
    return time_machine


@pytest.fixture
def leaving_in_20_days(frozen, manager, org_a, coordinator_a, viewer_a, volunteer):
    """Ama leaves in 20 days: two of her items, the partner's and ANVT's are due in 2 days, one
    of hers in 10 days; her criminal record is due in 2 days too, but already verified."""
    make_checklist(
        [
            ("Passeport", V, 18),
            ("Vaccin", V, 18),
            ("Certificat médical", V, 10),
            ("Assurance", P, 18),
            ("Visa", A, 18),
            ("Casier judiciaire", V, 18),
        ]
    )
    [placement] = confirmed(
        manager,
        org_a,
        coordinator_a,
        volunteers=[volunteer],
        departure=timezone.localdate() + timedelta(days=20),
    )
    record = placement.mobility_items.get(template__label_fr="Casier judiciaire")
    services.set_not_applicable(record, actor=manager, reason="Fourni au dossier de candidature")
    Notification.objects.all().delete()  # what the confirmation told everyone
    return placement


def named(notification, *labels):
    return all(label in notification.body for label in labels)


def test_one_digest_per_person_names_each_of_their_items(
    leaving_in_20_days, volunteer, coordinator_a, viewer_a, manager
):
    placement = leaving_in_20_days

    assert digests(timezone.localdate()) == {"digests": 6, "at_risk": 0}

    hers = sent("mobility_digest", volunteer)
    assert sorted(hers.values_list("channel", flat=True)) == ["email", "in_app"]
    email = hers.get(channel="email")
    assert email.subject == "Dossier de départ : 2 éléments à compléter"
    assert named(email, "Passeport", "Vaccin", "au plus tard le")
    assert not named(email, "Certificat médical")  # due in 10 days
    assert not named(email, "Casier judiciaire")  # set aside
    assert not named(email, "Assurance") and not named(email, "Visa")
    assert email.link == reverse("volunteers:mobility", args=[placement.pk])

    partner = sent("mobility_digest", coordinator_a).get(channel="email")
    assert named(partner, "Assurance", str(volunteer))
    assert not named(partner, "Passeport") and not named(partner, "Visa")
    assert not sent("mobility_digest", viewer_a).exists()  # a viewer acts on nothing

    anvt = sent("mobility_digest", manager).get(channel="email")
    assert named(anvt, "Visa") and not named(anvt, "Passeport") and not named(anvt, "Assurance")
    assert sent("mobility_digest").count() == 6
    assert not sent("mobility_at_risk").exists()  # 20 days to go


def test_twice_the_same_day_adds_nothing_the_next_day_a_new_digest(
    frozen, leaving_in_20_days, volunteer
):
    digests(timezone.localdate())
    first = Notification.objects.count()

    assert digests(timezone.localdate()) == NOTHING
    frozen.move_to(MORNING + timedelta(hours=10), tick=False)
    assert digests(timezone.localdate()) == NOTHING
    assert Notification.objects.count() == first

    frozen.move_to(MORNING + timedelta(days=1), tick=False)
    assert digests(timezone.localdate()) == {"digests": 6, "at_risk": 0}
    hers = sent("mobility_digest", volunteer).filter(channel="email")
    assert hers.count() == 2
    assert named(hers.first(), "Passeport", "Vaccin")


def test_an_item_verified_is_no_longer_reminded(leaving_in_20_days, manager, volunteer):
    services.verify_item(
        leaving_in_20_days.mobility_items.get(template__label_fr="Visa"), actor=manager
    )
    MobilityItem.objects.filter(
        placement=leaving_in_20_days, template__label_fr="Passeport"
    ).update(state="not_applicable")

    digests(timezone.localdate())

    email = sent("mobility_digest", volunteer).get(channel="email")
    assert email.subject == "Dossier de départ : 1 élément à compléter"
    assert named(email, "Vaccin") and not named(email, "Passeport")
    assert not sent("mobility_digest", manager).exists()


def test_items_she_has_sent_are_not_hers_to_act_on_any_more(leaving_in_20_days, volunteer):
    for label, value in (("Passeport", None), ("Vaccin", None)):
        item = leaving_in_20_days.mobility_items.get(template__label_fr=label)
        services.submit_item(item, actor=volunteer, date_value=value)

    digests(timezone.localdate())

    assert not sent("mobility_digest", volunteer).exists()


def test_a_departure_within_14_days_with_a_late_item_warns_the_managers_once(
    frozen, manager, org_a, coordinator_a, volunteer, other_volunteer
):
    make_checklist([("Passeport", V, 15), ("Visa", A, 5)])
    [soon] = confirmed(
        manager,
        org_a,
        coordinator_a,
        volunteers=[volunteer],
        departure=timezone.localdate() + timedelta(days=10),
    )
    [later] = confirmed(
        manager,
        org_a,
        coordinator_a,
        volunteers=[other_volunteer],
        departure=timezone.localdate() + timedelta(days=17),
    )
    Notification.objects.all().delete()

    result = digests(timezone.localdate())

    # Both passports are late (5 and 2 days ago): Ama and Kossi get their digest; the visas are
    # not due yet. Only Ama leaves within 14 days: the manager is warned of her alone.
    assert result == {"digests": 4, "at_risk": 2}
    [warning] = sent("mobility_at_risk", manager).filter(channel="email")
    assert warning.subject == "1 départ proche avec un dossier en retard"
    assert str(volunteer) in warning.body and "Passeport" in warning.body
    assert str(other_volunteer) not in warning.body
    assert warning.link == reverse("staff:readiness", args=[soon.contingent_id])
    hers = sent("mobility_digest", volunteer).get(channel="email")
    assert "en retard depuis le" in hers.body
    assert not sent("mobility_at_risk", volunteer).exists()
    assert sent("mobility_digest", later.volunteer).count() == 2

    assert digests(timezone.localdate()) == NOTHING
    assert sent("mobility_at_risk").count() == 2


def test_a_file_ready_or_closed_reminds_nobody(frozen, manager, org_a, coordinator_a, volunteer):
    make_checklist([("Passeport", V, 15)])
    [placement] = confirmed(
        manager,
        org_a,
        coordinator_a,
        volunteers=[volunteer],
        departure=timezone.localdate() + timedelta(days=10),
    )
    services.depart(placement, actor=manager, on=timezone.localdate(), override="Urgence")
    Notification.objects.all().delete()

    assert digests(timezone.localdate()) == NOTHING
    assert not Notification.objects.exists()
