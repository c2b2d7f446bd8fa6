"""The placement handshake (issue 14): ANVT proposes, the sending partner confirms, then the host
structure through its single-use link; each step has its deadline, its reminders and its
escalation. Then the dates of the mission, and what each party may read on the way.

Each test asserts what a person would notice (a page, an e-mail, a status), and that a refused
move changes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog, StatusChange
from missions import hostlinks, scoring, services
from missions.enums import ApplicationStatus, ContingentStatus, PlacementStatus
from missions.models import Contingent, Placement, PlacementEvent, Review
from missions.reminders import deadline_reminders
from missions.workflow import WorkflowError
from notifications.models import Notification
from partners.enums import OrganisationKind
from staff.forms import ReviewForm
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MissionFactory,
    PartnerFactory,
    UserFactory,
    complete_volunteer,
)

pytestmark = pytest.mark.django_db
A = ApplicationStatus
P = PlacementStatus
LOME = ZoneInfo("Africa/Lome")
HOST_EMAIL = "accueil@solidarite-lyon.fr"
NOTHING = {"reminder": 0, "reminder_day": 0, "escalated": 0}
REASON = "Niveau de langue insuffisant pour ce poste"


@pytest.fixture
def host_org(db):
    return PartnerFactory(
        name="Association Solidarité Lyon",
        kind=OrganisationKind.HOST_STRUCTURE,
        contact_name="Jeanne Accueil",
        contact_email=HOST_EMAIL,
    )


def propose(
    manager,
    partner,
    *,
    host=None,
    volunteer=None,
    send=True,
    share_documents=False,
    capture=None,
    motivation="Je veux transmettre ce que j'ai appris.",
):
    """One shortlisted volunteer placed in a contingent of `partner` for a mission hosted by
    `host` (None: the partner hosts), the contingent sent unless `send` is False."""
    mission = MissionFactory(partner=partner, host=host, title="Tri sélectif à Lyon")
    call = CallFactory(missions=[mission])
    contingent = services.create_contingent(
        actor=manager, call=call, partner=partner, name="Contingent Lyon", capacity=3
    )
    application = ApplicationFactory(
        call=call,
        volunteer=complete_volunteer(volunteer, first_name="Akosua", last_name="Mensah"),
        status=A.SHORTLISTED,
        share_documents=share_documents,
        motivation=motivation,
    )
    placement = services.add_to_contingent(
        contingent, actor=manager, application=application, mission=mission
    )
    if send:
        if capture is None:
            services.send_contingent(contingent, actor=manager)
        else:
            with capture(execute=True):
                services.send_contingent(contingent, actor=manager)
    placement.refresh_from_db()
    return placement


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def state(placement):
    """What a refused move must leave as it was."""
    placement.refresh_from_db()
    placement.application.refresh_from_db()
    return (
        placement.status,
        placement.application.status,
        placement.deadline,
        placement.host_token,
        placement.actual_departure,
        placement.arrival_date,
        placement.return_date,
        placement.declined_by,
        placement.decline_reason,
        StatusChange.objects.count(),
        PlacementEvent.objects.count(),
        Notification.objects.count(),
    )


# 1. The full chain with a host structure ---------------------------------------------------------


def test_the_full_chain_tells_each_party_only_what_is_decided(
    client, manager, org_a, coordinator_a, host_org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    placement = propose(manager, org_a, host=host_org, capture=capture)
    application = placement.application
    volunteer_email = application.volunteer.email

    application.refresh_from_db()
    assert (placement.status, application.status) == (P.PROPOSED, A.PROPOSED)
    [proposed] = mails_to(volunteer_email)
    assert "proposée" in proposed.subject
    assert "sélectionn" not in proposed.subject.lower()
    assert "Ce n'est pas encore une sélection" in proposed.body
    assert not mails_to(HOST_EMAIL)  # the host is asked once the partner has confirmed

    mail.outbox.clear()
    with capture(execute=True):
        services.confirm_placement(placement, actor=coordinator_a)
    placement.refresh_from_db()
    application.refresh_from_db()
    assert (placement.status, application.status) == (P.HOST_PENDING, A.PROPOSED)
    assert not mails_to(volunteer_email)  # nothing is decided for her yet
    [request] = mails_to(HOST_EMAIL)
    link = hostlinks.link_path(placement)
    assert link.startswith("/accueil/")
    assert link in request.body
    assert "Tri sélectif à Lyon" in request.subject

    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(link, {"name": "Jeanne Accueil, présidente", "decision": "confirm"})
    assert response.status_code == 302
    placement.refresh_from_db()
    application.refresh_from_db()
    assert (placement.status, application.status) == (P.CONFIRMED, A.SELECTED)
    assert placement.host_decided_by == "Jeanne Accueil, présidente"
    assert placement.host_token == ""
    [selected] = mails_to(volunteer_email)
    assert "sélectionné" in selected.subject
    assert Contingent.objects.get().status == ContingentStatus.CONFIRMED

    again = client.get(link)
    assert again.status_code == 200
    assert "Ce lien a déjà servi" in again.text
    assert 'value="confirm"' not in again.text  # no form any more

    before = state(placement)
    second = client.post(
        link, {"name": "Quelqu'un d'autre", "decision": "decline", "reason": "Finalement non"}
    )
    assert second.status_code == 409
    assert state(placement) == before
    assert placement.host_decided_by == "Jeanne Accueil, présidente"


def test_a_host_decline_through_the_link_puts_the_volunteer_back_on_the_shortlist(
    client, manager, org_a, coordinator_a, host_org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    placement = propose(manager, org_a, host=host_org)
    services.confirm_placement(placement, actor=coordinator_a)
    placement.refresh_from_db()
    link = hostlinks.link_path(placement)

    with capture(execute=True):
        response = client.post(
            link,
            {"name": "Jeanne Accueil", "decision": "decline", "reason": "Locaux en travaux"},
        )
    assert response.status_code == 302
    placement.refresh_from_db()
    placement.application.refresh_from_db()
    assert (placement.status, placement.declined_by) == (P.DECLINED, "host")
    assert placement.application.status == A.SHORTLISTED
    [told] = mails_to(placement.volunteer.email)
    assert "structure d'accueil n'a pas retenu" in told.body
    assert "Locaux en travaux" not in told.body  # not marked shareable
    assert "Accueil refusé" in client.get(link).text


def test_another_partner_can_neither_decide_nor_record(
    client, manager, org_a, coordinator_a, coordinator_b, viewer_a
):
    placement = propose(manager, org_a)
    before = state(placement)
    for outsider in (coordinator_b, viewer_a, manager):
        with pytest.raises(WorkflowError, match="pas le droit"):
            services.confirm_placement(placement, actor=outsider)
        with pytest.raises(WorkflowError, match="pas le droit"):
            services.decline_placement(placement, actor=outsider, reason=REASON)
    client.force_login(coordinator_b)
    assert (
        client.post(reverse("partners:placement_confirm", args=[placement.pk])).status_code == 404
    )
    assert state(placement) == before

    services.confirm_placement(placement, actor=coordinator_a)
    before = state(placement)
    with pytest.raises(WorkflowError, match="pas le droit"):
        services.record_departure(placement, actor=coordinator_b, on=timezone.localdate())
    assert state(placement) == before


# 2. The host link --------------------------------------------------------------------------------


@pytest.fixture
def host_pending(manager, org_a, coordinator_a, host_org):
    placement = propose(manager, org_a, host=host_org)
    services.confirm_placement(placement, actor=coordinator_a)
    placement.refresh_from_db()
    return placement


def test_a_forged_link_or_another_placements_link_is_not_found(
    client, manager, org_a, coordinator_a, host_org, host_pending
):
    other = propose(manager, org_a, host=host_org)
    services.confirm_placement(other, actor=coordinator_a)
    other.refresh_from_db()
    before = state(host_pending)

    forged = reverse("host_decision", args=[host_pending.pk, "forged-token"])
    assert client.get(forged).status_code == 404
    assert client.post(forged, {"name": "X", "decision": "confirm"}).status_code == 404
    # The other placement's own link, pointed at this placement.
    other_token = hostlinks.link_path(other).rstrip("/").rsplit("/", 1)[-1]
    borrowed = reverse("host_decision", args=[host_pending.pk, other_token])
    assert client.get(borrowed).status_code == 404
    assert client.post(borrowed, {"name": "X", "decision": "confirm"}).status_code == 404

    assert state(host_pending) == before
    assert client.get(hostlinks.link_path(host_pending)).status_code == 200


def test_an_expired_link_says_so_and_an_extension_replaces_it(
    client, manager, host_pending, time_machine, django_capture_on_commit_callbacks
):
    old_link = hostlinks.link_path(host_pending)
    time_machine.move_to(host_pending.deadline + timedelta(minutes=1), tick=False)

    expired = client.get(old_link)
    assert expired.status_code == 410
    assert "expiré" in expired.text
    before = state(host_pending)
    refused = client.post(old_link, {"name": "Jeanne Accueil", "decision": "confirm"})
    assert refused.status_code == 409
    assert state(host_pending) == before

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.extend_deadline(host_pending, actor=manager, days=5)
    host_pending.refresh_from_db()
    assert host_pending.deadline == timezone.now() + timedelta(days=5)
    new_link = hostlinks.link_path(host_pending)
    assert new_link != old_link
    [fresh] = mails_to(HOST_EMAIL)
    assert new_link in fresh.body

    replaced = client.get(old_link)
    assert replaced.status_code == 410
    assert "remplacé" in replaced.text
    assert client.post(old_link, {"name": "X", "decision": "confirm"}).status_code == 409
    host_pending.refresh_from_db()
    assert host_pending.status == P.HOST_PENDING

    page = client.get(new_link)
    assert page.status_code == 200
    assert 'value="confirm"' in page.text
    client.post(new_link, {"name": "Jeanne Accueil", "decision": "confirm"})
    host_pending.refresh_from_db()
    assert host_pending.status == P.CONFIRMED


def test_the_host_page_refuses_a_post_without_a_name(client, host_pending):
    link = hostlinks.link_path(host_pending)
    before = state(host_pending)
    response = client.post(link, {"name": "", "decision": "confirm"})
    assert response.status_code == 400
    assert "Indiquez votre nom." in response.text
    assert state(host_pending) == before


def test_a_withdrawn_proposal_ends_the_host_link(
    client, manager, host_pending, django_capture_on_commit_callbacks
):
    link = hostlinks.link_path(host_pending)
    with pytest.raises(WorkflowError, match="Indiquez pourquoi"):
        services.withdraw_proposal(host_pending, actor=manager, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_proposal(host_pending, actor=manager, reason="Mission reportée")
    host_pending.refresh_from_db()
    host_pending.application.refresh_from_db()
    assert (host_pending.status, host_pending.application.status) == (P.CANCELLED, A.SHORTLISTED)
    [told] = mails_to(host_pending.volunteer.email)
    assert "retiré la proposition" in told.body

    page = client.get(link)
    assert page.status_code == 410
    assert "attend plus de décision" in page.text
    before = state(host_pending)
    assert client.post(link, {"name": "Jeanne", "decision": "confirm"}).status_code == 409
    assert state(host_pending) == before


# 3. Deadlines, with a frozen clock ---------------------------------------------------------------

START = datetime(2026, 11, 2, 9, 0, tzinfo=LOME)


def test_partner_reminders_and_escalation_happen_once_each(
    manager, org_a, coordinator_a, time_machine
):
    time_machine.move_to(START, tick=False)
    placement = propose(manager, org_a)
    deadline = placement.deadline
    assert deadline == START + timedelta(days=10)

    assert deadline_reminders(START + timedelta(days=5)) == NOTHING

    three_days_before = deadline - timedelta(days=3) + timedelta(hours=1)
    assert deadline_reminders(three_days_before) == {**NOTHING, "reminder": 1}
    assert deadline_reminders(three_days_before) == NOTHING
    reminders = Notification.objects.filter(
        user=coordinator_a, event="confirmation_reminder", channel="email"
    )
    assert reminders.count() == 1

    on_the_day = deadline - timedelta(hours=2)
    assert deadline_reminders(on_the_day) == {**NOTHING, "reminder_day": 1}
    assert deadline_reminders(on_the_day) == NOTHING
    assert reminders.count() == 2

    after = deadline + timedelta(minutes=1)
    assert deadline_reminders(after) == {**NOTHING, "escalated": 1}
    assert deadline_reminders(after + timedelta(days=1)) == NOTHING
    escalations = Notification.objects.filter(event="placement_escalated", channel="email")
    assert list(escalations.values_list("user", flat=True)) == [manager.pk]
    assert "Date limite dépassée" in escalations.get().subject
    assert list(placement.events.values_list("kind", flat=True)) == [
        "reminder",
        "reminder_day",
        "escalated",
    ]
    assert reminders.count() == 2  # the partner is not reminded after the deadline


def test_a_late_confirmation_is_refused_until_the_deadline_is_extended(
    manager, org_a, coordinator_a, time_machine
):
    time_machine.move_to(START, tick=False)
    placement = propose(manager, org_a)
    first_deadline = placement.deadline
    deadline_reminders(first_deadline - timedelta(days=2))
    time_machine.move_to(first_deadline + timedelta(hours=1), tick=False)
    deadline_reminders(timezone.now())

    before = state(placement)
    with pytest.raises(WorkflowError, match="date limite"):
        services.confirm_placement(placement, actor=coordinator_a)
    with pytest.raises(WorkflowError, match="date limite"):
        services.decline_placement(placement, actor=coordinator_a, reason="Trop tard")
    assert state(placement) == before

    with pytest.raises(WorkflowError, match="pas le droit"):
        services.extend_deadline(placement, actor=coordinator_a, days=7)
    with pytest.raises(WorkflowError, match="1 à 60"):
        services.extend_deadline(placement, actor=manager, days=0)
    assert state(placement) == before

    services.extend_deadline(placement, actor=manager, days=7)
    placement.refresh_from_db()
    assert placement.deadline == timezone.now() + timedelta(days=7)
    assert placement.events.filter(kind="deadline_extended").count() == 1
    # The reminders are armed again for the new deadline (a new key).
    assert deadline_reminders(placement.deadline - timedelta(days=2)) == {
        **NOTHING,
        "reminder": 1,
    }
    keys = list(placement.events.filter(kind="reminder").values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 2

    services.confirm_placement(placement, actor=coordinator_a)
    placement.refresh_from_db()
    assert placement.status == P.CONFIRMED


def test_host_reminders_go_to_the_hosts_address(
    manager, org_a, coordinator_a, host_org, time_machine
):
    time_machine.move_to(START, tick=False)
    placement = propose(manager, org_a, host=host_org)
    time_machine.move_to(START + timedelta(days=1), tick=False)
    services.confirm_placement(placement, actor=coordinator_a)
    placement.refresh_from_db()
    assert placement.deadline == START + timedelta(days=11)  # the host's own deadline

    assert deadline_reminders(placement.deadline - timedelta(days=2)) == {
        **NOTHING,
        "reminder": 1,
    }
    [reminder] = Notification.objects.filter(event="host_reminder")
    assert (reminder.user, reminder.to_address, reminder.channel) == (None, HOST_EMAIL, "email")
    assert reminder.link == hostlinks.link_path(placement)
    assert "Rappel" in reminder.subject
    assert not Notification.objects.filter(event="confirmation_reminder").exists()
    assert placement.events.get(kind="reminder").party == "host"

    assert deadline_reminders(placement.deadline + timedelta(minutes=1))["escalated"] == 1
    escalation = Notification.objects.get(event="placement_escalated", channel="email")
    assert escalation.user == manager
    assert "Association Solidarité Lyon n'a pas répondu" in escalation.body


# 4. Declining ------------------------------------------------------------------------------------


def test_a_decline_not_shared_tells_what_comes_next_without_the_reason(
    client, manager, org_a, coordinator_a, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    placement = propose(manager, org_a, capture=capture)
    mail.outbox.clear()
    with capture(execute=True):
        services.decline_placement(placement, actor=coordinator_a, reason=REASON, shared=False)

    placement.refresh_from_db()
    placement.application.refresh_from_db()
    assert placement.status == P.DECLINED
    assert placement.application.status == A.SHORTLISTED
    assert Contingent.objects.get().seats_taken == 0
    [told] = mails_to(placement.volunteer.email)
    assert "présélectionnées" in told.subject + told.body
    assert "France Volontaires n'a pas retenu" in told.body
    assert REASON not in told.body
    assert not Notification.objects.filter(user=placement.volunteer, body__contains=REASON).exists()

    client.force_login(placement.volunteer)
    page = client.get(reverse("volunteers:placement", args=[placement.pk]))
    assert "Et maintenant ?" in page.text
    assert REASON not in page.text


def test_a_shared_decline_reason_reaches_the_volunteer(
    client, manager, org_a, coordinator_a, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    placement = propose(manager, org_a, capture=capture)
    mail.outbox.clear()
    with capture(execute=True):
        services.decline_placement(placement, actor=coordinator_a, reason=REASON, shared=True)

    [told] = mails_to(placement.volunteer.email)
    assert REASON in told.body
    assert "présélectionnées" in told.body
    client.force_login(placement.volunteer)
    assert REASON in client.get(reverse("volunteers:placement", args=[placement.pk])).text


def test_a_decision_on_a_placement_not_at_that_step_is_refused(manager, org_a, coordinator_a):
    placement = propose(manager, org_a)
    services.confirm_placement(placement, actor=coordinator_a)
    before = state(placement)

    with pytest.raises(WorkflowError, match="n'attend pas cette décision"):
        services.decline_placement(placement, actor=coordinator_a, reason=REASON)
    with pytest.raises(WorkflowError, match="n'attend pas cette décision"):
        services.confirm_placement(placement, actor=coordinator_a)

    assert state(placement) == before
    assert placement.status == P.CONFIRMED


# 5. The dates of the mission ---------------------------------------------------------------------


@pytest.fixture
def confirmed(manager, org_a, coordinator_a):
    placement = propose(manager, org_a)
    services.confirm_placement(placement, actor=coordinator_a)
    placement.refresh_from_db()
    return placement


def test_departure_arrival_and_return_are_recorded_in_order(confirmed, coordinator_a):
    today = timezone.localdate()
    before = state(confirmed)
    with pytest.raises(WorkflowError, match="à venir"):
        services.record_departure(confirmed, actor=coordinator_a, on=today + timedelta(days=1))
    with pytest.raises(WorkflowError, match="départ"):
        services.record_arrival(confirmed, actor=coordinator_a, on=today)
    assert state(confirmed) == before

    services.record_departure(confirmed, actor=coordinator_a, on=today - timedelta(days=10))
    confirmed.refresh_from_db()
    confirmed.application.refresh_from_db()
    assert (confirmed.status, confirmed.application.status) == (P.DEPARTED, A.DEPARTED)

    before = state(confirmed)
    with pytest.raises(WorkflowError, match="précéder le départ"):
        services.record_arrival(confirmed, actor=coordinator_a, on=today - timedelta(days=11))
    with pytest.raises(WorkflowError, match="arrivée"):
        services.record_return(confirmed, actor=coordinator_a, on=today)
    assert state(confirmed) == before

    services.record_arrival(confirmed, actor=coordinator_a, on=today - timedelta(days=9))
    confirmed.refresh_from_db()
    confirmed.application.refresh_from_db()
    assert (confirmed.status, confirmed.application.status) == (P.ARRIVED, A.ON_MISSION)
    assert confirmed.arrival_date == today - timedelta(days=9)

    with pytest.raises(WorkflowError, match="précéder l'arrivée"):
        services.record_return(confirmed, actor=coordinator_a, on=today - timedelta(days=10))
    services.record_return(confirmed, actor=coordinator_a, on=today)
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.return_date) == (P.COMPLETED, today)


def test_a_date_is_corrected_by_who_recorded_it_and_the_volunteer_is_told(
    confirmed, coordinator_a, coordinator_b, manager, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    services.record_departure(confirmed, actor=coordinator_a, on=today - timedelta(days=10))
    services.record_arrival(confirmed, actor=coordinator_a, on=today - timedelta(days=9))
    confirmed.refresh_from_db()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.correct_date(
            confirmed,
            actor=coordinator_a,
            event="departure",
            on=today - timedelta(days=12),
            reason="Vol avancé de deux jours",
        )
    confirmed.refresh_from_db()
    assert confirmed.actual_departure == today - timedelta(days=12)
    event = confirmed.events.get(kind="date_corrected")
    assert event.actor == coordinator_a
    assert event.data == {
        "event": "departure",
        "old": (today - timedelta(days=10)).isoformat(),
        "new": (today - timedelta(days=12)).isoformat(),
        "reason": "Vol avancé de deux jours",
    }
    told = Notification.objects.get(
        user=confirmed.volunteer, event="date_corrected", channel="email"
    )
    assert "Vol avancé de deux jours" in told.body
    assert told.link == reverse("volunteers:placement", args=[confirmed.pk])
    assert mails_to(confirmed.volunteer.email)

    before = state(confirmed)
    with pytest.raises(WorkflowError, match="que par qui l'a enregistrée"):
        services.correct_date(
            confirmed,
            actor=coordinator_b,
            event="departure",
            on=today - timedelta(days=11),
            reason="Erreur",
        )
    with pytest.raises(WorkflowError, match="doivent se suivre"):
        services.correct_date(
            confirmed,
            actor=coordinator_a,
            event="departure",
            on=today - timedelta(days=5),
            reason="Erreur de saisie",
        )
    with pytest.raises(WorkflowError, match="à venir"):
        services.correct_date(
            confirmed,
            actor=coordinator_a,
            event="arrival",
            on=today + timedelta(days=1),
            reason="Erreur de saisie",
        )
    with pytest.raises(WorkflowError, match="motif"):
        services.correct_date(confirmed, actor=coordinator_a, event="arrival", on=today, reason=" ")
    assert state(confirmed) == before

    services.correct_date(
        confirmed,
        actor=manager,
        event="arrival",
        on=today - timedelta(days=8),
        reason="Arrivée confirmée par le partenaire",
    )
    confirmed.refresh_from_db()
    assert confirmed.arrival_date == today - timedelta(days=8)
    assert confirmed.events.filter(kind="date_corrected").count() == 2


def test_a_date_cannot_be_corrected_after_the_correction_period(
    confirmed, coordinator_a, time_machine
):
    today = timezone.localdate()
    services.record_departure(confirmed, actor=coordinator_a, on=today - timedelta(days=1))
    time_machine.move_to(timezone.now() + timedelta(days=31), tick=False)

    before = state(confirmed)
    with pytest.raises(WorkflowError, match="dans les 30 jours"):
        services.correct_date(
            confirmed,
            actor=coordinator_a,
            event="departure",
            on=today - timedelta(days=2),
            reason="Erreur de saisie",
        )
    assert state(confirmed) == before


def test_the_partner_page_offers_a_correction_only_to_who_may_make_it(
    client, confirmed, coordinator_a, time_machine
):
    services.record_departure(confirmed, actor=coordinator_a, on=timezone.localdate())
    client.force_login(coordinator_a)
    url = reverse("partners:placement", args=[confirmed.pk])
    assert "Corriger la date de départ" in client.get(url).text
    time_machine.move_to(timezone.now() + timedelta(days=31), tick=False)
    assert "Corriger la date de départ" not in client.get(url).text


# 6. Safeguards -----------------------------------------------------------------------------------

EARLY_REASON = "Profil rare infirmière bilingue"


def test_shortlisting_before_the_reviews_needs_a_reason_the_volunteer_does_not_read(
    client, manager, volunteer, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(volunteer=complete_volunteer(volunteer), status=A.UNDER_REVIEW)
    assert application.call.min_reviews == 2 and application.review_count == 0

    with pytest.raises(WorkflowError, match="0 évaluation"):
        services.shortlist(application, actor=manager)
    with pytest.raises(WorkflowError, match="0 évaluation"):
        services.shortlist(application, actor=manager, reason="   ")
    application.refresh_from_db()
    assert application.status == A.UNDER_REVIEW
    assert not StatusChange.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.shortlist(application, actor=manager, reason=EARLY_REASON)
    application.refresh_from_db()
    assert application.status == A.SHORTLISTED
    # Kept in the audit trail, for ANVT.
    assert StatusChange.objects.for_object(application).get().reason == EARLY_REASON

    client.force_login(volunteer)
    page = client.get(reverse("volunteers:application", args=[application.pk]))
    assert page.status_code == 200
    assert "Présélectionnée" in page.text
    assert EARLY_REASON not in page.text


def test_the_reason_for_shortlisting_early_is_not_e_mailed_to_the_volunteer(
    client, manager, volunteer, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(volunteer=complete_volunteer(volunteer), status=A.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.shortlist(application, actor=manager, reason=EARLY_REASON)

    [told] = mails_to(volunteer.email)
    assert EARLY_REASON not in told.body
    client.force_login(volunteer)
    assert EARLY_REASON not in client.get(reverse("notifications:list")).text


def test_a_review_needs_a_recommendation():
    scores = {"motivation": "4", "experience": "3", "skills": "4", "languages": "5"}
    grid = scoring.default_grid()
    form = ReviewForm(data={**scores, "comment": "Solide."}, grid=grid)
    assert not form.is_valid()
    assert form.errors["recommendation"] == ["Choisissez une recommandation."]
    assert ReviewForm(
        data={**scores, "comment": "", "recommendation": "select"}, grid=grid
    ).is_valid()


def test_an_empty_contingent_cannot_be_sent(manager, org_a, coordinator_a):
    call = CallFactory(missions=[MissionFactory(partner=org_a)])
    contingent = services.create_contingent(
        actor=manager, call=call, partner=org_a, name="Vide", capacity=2
    )
    with pytest.raises(WorkflowError, match="Ajoutez au moins"):
        services.send_contingent(contingent, actor=manager)
    contingent.refresh_from_db()
    assert contingent.status == ContingentStatus.FORMING
    assert not Notification.objects.exists()


# 7. The partner's decision file ------------------------------------------------------------------


def _reviews(application):
    for scores in ((4, 3, 4, 5), (3, 3, 4, 4)):
        Review.objects.create(
            application=application,
            reviewer=UserFactory(),
            recommendation="select",
            scores=dict(zip(Review.SCORE_FIELDS, scores, strict=True)),
            score=sum(scores),
        )


def test_the_decision_file_shows_what_the_partner_needs_and_the_shared_documents(
    client, manager, org_a, coordinator_a, coordinator_b
):
    placement = propose(
        manager, org_a, share_documents=True, motivation="Motivation pour le tri à Lyon"
    )
    _reviews(placement.application)
    document = placement.volunteer.documents.order_by("pk").first()
    download = reverse("partners:placement_document", args=[placement.pk, document.pk])

    client.force_login(coordinator_a)
    page = client.get(reverse("partners:placement", args=[placement.pk]))
    assert page.status_code == 200
    assert "Motivation pour le tri à Lyon" in page.text
    assert "ANVT — volontariat national" in page.text  # her experience
    assert "/20" in page.text and "2 évaluations" in page.text
    assert download in page.text

    assert not AccessLog.objects.exists()
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id) == (coordinator_a, "download", document.pk)

    client.force_login(coordinator_b)
    assert client.get(reverse("partners:placement", args=[placement.pk])).status_code == 404
    assert client.get(download).status_code == 404
    assert AccessLog.objects.count() == 1

    client.force_login(placement.volunteer)
    my_data = client.get(reverse("volunteers:my_data"))
    assert my_data.status_code == 200
    assert "France Volontaires" in my_data.text
    assert "Claire Martin" not in my_data.text  # the organisation, not the person


def test_documents_not_shared_are_neither_listed_nor_downloadable(
    client, manager, org_a, coordinator_a
):
    placement = propose(manager, org_a, share_documents=False)
    document = placement.volunteer.documents.order_by("pk").first()
    download = reverse("partners:placement_document", args=[placement.pk, document.pk])

    client.force_login(coordinator_a)
    page = client.get(reverse("partners:placement", args=[placement.pk]))
    assert page.status_code == 200
    assert "n'a pas choisi de partager ses documents" in page.text.replace("&#x27;", "'")
    assert f"/documents/{document.pk}/" not in page.text
    assert client.get(download).status_code == 404
    assert not AccessLog.objects.exists()


# 8. The volunteer's placement page ---------------------------------------------------------------


def test_the_volunteer_follows_her_placement_and_nobody_else_sees_it(
    client, manager, org_a, coordinator_a, host_org, volunteer, other_volunteer
):
    placement = propose(manager, org_a, host=host_org, volunteer=volunteer)
    url = reverse("volunteers:placement", args=[placement.pk])

    client.force_login(volunteer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Les étapes" in page.text
    assert "prochaine étape" in page.text
    assert "Confirmation du partenaire d" in page.text
    assert "en attente de réponse" in page.text
    assert HOST_EMAIL not in page.text  # the host's contact, once it has confirmed

    services.confirm_placement(placement, actor=coordinator_a)
    placement.refresh_from_db()
    services.host_confirm(
        placement, token=hostlinks.link_path(placement).split("/")[-2], name="Jeanne Accueil"
    )
    page = client.get(url)
    assert "Sélectionnée" in page.text
    assert 'class="step-next"' in page.text  # the departure, next
    assert HOST_EMAIL in page.text

    client.force_login(other_volunteer)
    assert client.get(url).status_code == 404


def test_a_placement_in_a_forming_contingent_is_not_shown_to_its_volunteer(
    client, manager, org_a, volunteer
):
    placement = propose(manager, org_a, volunteer=volunteer, send=False)
    assert placement.status == P.PLANNED
    client.force_login(volunteer)
    assert client.get(reverse("volunteers:placement", args=[placement.pk])).status_code == 404
    application_page = client.get(
        reverse("volunteers:application", args=[placement.application_id])
    )
    assert "Contingent Lyon" not in application_page.text
    assert not Placement.objects.of_volunteer(volunteer).exists()
