"""Issue 15, the pre-departure workshops: ANVT plans one for a contingent and every confirmed
volunteer is invited; each answers within the seats; the attendance ticked on the day verifies
the workshop item of those present."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anvt.errors import Refused
from audit.models import StatusChange
from missions import services as missions
from mobility import services
from mobility.enums import Answer, ItemState
from mobility.models import Workshop, WorkshopInvitation
from notifications.models import Notification
from tests.mobility.conftest import confirmed, flashed, item_of, login, state, text

pytestmark = pytest.mark.django_db


def soon(days=7):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def pair(manager, org_a, coordinator_a, volunteer, other_volunteer, checklist):
    """Ama's and Kossi's confirmed placements, in one contingent."""
    return confirmed(manager, org_a, coordinator_a, size=2, volunteers=[volunteer, other_volunteer])


@pytest.fixture
def workshop(manager, pair):
    return services.create_workshop(
        pair[0].contingent, actor=manager, starts_at=soon(), place="Maison du volontariat", seats=1
    )


def invitation_of(workshop, placement):
    return WorkshopInvitation.objects.select_related("workshop", "placement").get(
        workshop=workshop, placement=placement
    )


def test_a_workshop_invites_every_confirmed_volunteer_of_the_contingent(
    manager_client, manager, org_a, coordinator_a, checklist
):
    placements = confirmed(manager, org_a, coordinator_a, size=3, confirm=False)
    for placement in placements[:2]:
        missions.confirm_placement(placement, actor=coordinator_a)
    contingent = placements[0].contingent
    starts_at = timezone.localtime(soon())

    response = manager_client.post(
        reverse("staff:workshops", args=[contingent.pk]),
        {
            "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
            "place": "  Maison du volontariat, Lomé ",
            "seats": 20,
        },
    )

    assert flashed(response) == ["Atelier prévu ; les volontaires sont invité·e·s."]
    workshop = Workshop.objects.get()
    assert (workshop.contingent, workshop.place, workshop.seats) == (
        contingent,
        "Maison du volontariat, Lomé",
        20,
    )
    invited = {invitation.placement for invitation in workshop.invitations.all()}
    assert invited == set(placements[:2])  # not the one still waiting for its partner
    told = Notification.objects.filter(event="workshop_invitation")
    assert sorted(told.values_list("user", "channel")) == sorted(
        (placement.volunteer_id, channel)
        for placement in placements[:2]
        for channel in ("email", "in_app")
    )
    assert told.filter(user=placements[0].volunteer, channel="email").get().link == reverse(
        "volunteers:mobility", args=[placements[0].pk]
    )
    page = text(manager_client.get(reverse("staff:workshops", args=[contingent.pk])))
    assert "Maison du volontariat, Lomé" in page
    assert str(placements[0].volunteer) in page


def test_a_workshop_in_the_past_or_without_volunteers_is_refused(
    manager, manager_client, org_a, coordinator_a, pair
):
    [waiting] = confirmed(manager, org_a, coordinator_a, confirm=False)
    before = (Workshop.objects.count(), Notification.objects.count())

    with pytest.raises(Refused, match="choisissez une date à venir"):
        services.create_workshop(
            pair[0].contingent, actor=manager, starts_at=soon(-1), place="Lomé", seats=5
        )
    with pytest.raises(Refused, match="Aucun·e volontaire confirmé·e à inviter"):
        services.create_workshop(
            waiting.contingent, actor=manager, starts_at=soon(), place="Lomé", seats=5
        )
    with pytest.raises(Refused, match="pas le droit"):
        services.create_workshop(
            pair[0].contingent, actor=coordinator_a, starts_at=soon(), place="Lomé", seats=5
        )
    past = manager_client.post(
        reverse("staff:workshops", args=[pair[0].contingent_id]),
        {
            "starts_at": timezone.localtime(soon(-1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Lomé",
            "seats": 5,
        },
    )
    no_seats = manager_client.post(
        reverse("staff:workshops", args=[pair[0].contingent_id]),
        {"starts_at": timezone.localtime(soon()).strftime("%Y-%m-%dT%H:%M"), "place": "Lomé"},
    )

    assert flashed(past) == ["Un atelier se prévoit à l'avance : choisissez une date à venir."]
    assert flashed(no_seats) == ["Indiquez la date, le lieu et le nombre de places."]
    assert (Workshop.objects.count(), Notification.objects.count()) == before


def test_she_answers_from_her_file_until_the_workshop_is_full(
    volunteer, other_volunteer, volunteer_client, pair, workshop
):
    hers, his = (invitation_of(workshop, placement) for placement in pair)
    kossi = login(other_volunteer)

    page = text(volunteer_client.get(reverse("volunteers:mobility", args=[pair[0].pk])))
    assert "Maison du volontariat" in page
    assert reverse("volunteers:workshop_yes", args=[hers.pk]) in page

    yes = volunteer_client.post(reverse("volunteers:workshop_yes", args=[hers.pk]))
    full = kossi.post(reverse("volunteers:workshop_yes", args=[his.pk]))

    assert yes["Location"] == reverse("volunteers:mobility", args=[pair[0].pk])
    assert flashed(yes) == ["Réponse enregistrée."]
    assert flashed(full) == ["Cet atelier est complet : l'ANVT vous proposera une autre date."]
    hers.refresh_from_db()
    his.refresh_from_db()
    assert (hers.answer, his.answer) == (Answer.YES, Answer.PENDING)
    assert his.answered_at is None

    # Her seat freed, his "yes" finds it; "yes" twice keeps her own seat.
    volunteer_client.post(reverse("volunteers:workshop_no", args=[hers.pk]))
    kossi.post(reverse("volunteers:workshop_yes", args=[his.pk]))
    again = kossi.post(reverse("volunteers:workshop_yes", args=[his.pk]))
    hers.refresh_from_db()
    his.refresh_from_db()
    assert (hers.answer, his.answer) == (Answer.NO, Answer.YES)
    assert flashed(again) == ["Réponse enregistrée."]


def test_another_volunteer_cannot_answer_her_invitation(other_volunteer, manager, pair, workshop):
    hers = invitation_of(workshop, pair[0])
    kossi = login(other_volunteer)

    responses = [
        kossi.post(reverse("volunteers:workshop_yes", args=[hers.pk])),
        kossi.post(reverse("volunteers:workshop_no", args=[hers.pk])),
        login(manager).post(reverse("volunteers:workshop_yes", args=[hers.pk])),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    with pytest.raises(Refused, match="pas le droit"):
        services.answer_invitation(hers, actor=other_volunteer, coming=True)
    hers.refresh_from_db()
    assert (hers.answer, hers.answered_at) == (Answer.PENDING, None)


def test_no_answer_once_the_workshop_has_begun(volunteer, pair, workshop, time_machine):
    hers = invitation_of(workshop, pair[0])
    time_machine.move_to(workshop.starts_at + timedelta(minutes=5), tick=False)

    with pytest.raises(Refused, match=r"Cet atelier a déjà eu lieu\."):
        services.answer_invitation(hers, actor=volunteer, coming=True)

    hers.refresh_from_db()
    assert hers.answer == Answer.PENDING


def test_the_attendance_verifies_the_workshop_item_of_those_present(
    manager, manager_client, volunteer, pair, workshop, checklist
):
    hers, his = (invitation_of(workshop, placement) for placement in pair)
    url = reverse("staff:workshop_attendance", args=[workshop.pk])
    listed = text(manager_client.get(url))
    assert f'value="{hers.pk}"' in listed and f'value="{his.pk}"' in listed

    response = manager_client.post(url, {"present": [hers.pk]})

    assert response["Location"] == reverse("staff:workshops", args=[workshop.contingent_id])
    assert flashed(response) == ["Présences enregistrées."]
    hers.refresh_from_db()
    his.refresh_from_db()
    assert (hers.attended, his.attended) == (True, False)
    assert (hers.recorded_by, his.recorded_by) == (manager, manager)
    her_item = item_of(pair[0], "workshop", checklist)
    his_item = item_of(pair[1], "workshop", checklist)
    assert (her_item.state, her_item.date_value) == (
        ItemState.VERIFIED,
        timezone.localdate(workshop.starts_at),
    )
    assert his_item.state == ItemState.TO_DO
    assert list(
        StatusChange.objects.for_object(her_item).values_list("from_status", "to_status", "actor")
    ) == [(ItemState.TO_DO, ItemState.VERIFIED, manager.pk)]
    # Her other items are untouched.
    assert item_of(pair[0], "visa", checklist).state == ItemState.TO_DO
    page = text(login(volunteer).get(reverse("volunteers:mobility", args=[pair[0].pk])))
    assert "présence notée" in page


def test_a_list_with_someone_not_invited_is_refused_and_changes_nothing(
    manager, manager_client, org_a, coordinator_a, pair, workshop, checklist
):
    [outsider] = confirmed(manager, org_a, coordinator_a)
    other = services.create_workshop(
        outsider.contingent, actor=manager, starts_at=soon(), place="Kara", seats=3
    )
    strangers = invitation_of(other, outsider)
    hers = invitation_of(workshop, pair[0])
    items = [item_of(placement, "workshop", checklist) for placement in (*pair, outsider)]
    before = state(*items)

    response = manager_client.post(
        reverse("staff:workshop_attendance", args=[workshop.pk]),
        {"present": [hers.pk, strangers.pk]},
    )
    with pytest.raises(Refused, match="ne correspond pas aux invité·e·s"):
        services.record_attendance(workshop, actor=manager, present={hers.pk, strangers.pk})
    with pytest.raises(Refused, match="pas le droit"):
        services.record_attendance(workshop, actor=coordinator_a, present={hers.pk})

    assert flashed(response) == ["Cette liste n'est pas valable."]
    assert state(*items) == before
    assert not WorkshopInvitation.objects.filter(attended__isnull=False).exists()


def test_a_corrected_attendance_list_takes_back_the_verification(
    manager, manager_client, pair, workshop, checklist
):
    hers = invitation_of(workshop, pair[0])
    url = reverse("staff:workshop_attendance", args=[workshop.pk])
    manager_client.post(url, {"present": [hers.pk]})

    # Nobody came after all: the browser sends the list with no box ticked (and its CSRF token,
    # without which the view reads an empty POST as no form at all).
    manager_client.post(url, {"csrfmiddlewaretoken": "token"})

    hers.refresh_from_db()
    assert hers.attended is False
    assert item_of(pair[0], "workshop", checklist).state != ItemState.VERIFIED
