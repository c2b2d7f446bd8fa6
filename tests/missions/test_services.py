"""The journey through the services: submission, eligibility, selection, placements."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from audit.models import StatusChange
from missions import services
from missions.enums import ApplicationStatus, ContingentStatus, PlacementStatus
from missions.models import Application, EligibilityReport, Placement
from missions.workflow import WorkflowError
from notifications.models import Channel, Notification
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ContingentFactory,
    DocumentFactory,
    ExperienceFactory,
    MembershipFactory,
    MissionFactory,
    UserFactory,
    complete_volunteer,
)

pytestmark = pytest.mark.django_db
A = ApplicationStatus


@pytest.fixture
def manager():
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name="programme_managers")[0])
    return user


def submit(application, capture):
    with capture(execute=True):
        services.submit_application(application, actor=application.volunteer)
    application.refresh_from_db()
    return application


def test_submission_runs_the_eligibility_check_and_tells_the_volunteer(
    django_capture_on_commit_callbacks,
):
    volunteer = complete_volunteer(UserFactory(language="en"))
    application = ApplicationFactory(volunteer=volunteer)

    submit(application, django_capture_on_commit_callbacks)

    assert application.status == A.ELIGIBLE
    assert application.submitted_at is not None
    report = application.eligibility_report
    assert report.eligible is True
    assert report.engine_version == "1.1"
    assert [change.to_status for change in StatusChange.objects.for_object(application)] == [
        A.SUBMITTED,
        A.ELIGIBLE,
    ]
    events = list(
        Notification.objects.filter(channel=Channel.IN_APP).values_list("event", "language")
    )
    assert events == [("eligibility_result", "en"), ("application_submitted", "en")]
    assert [m.subject for m in mail.outbox] == [
        "Application sent: " + application.call.title,
        "Your application is eligible",
    ]


def test_ineligible_submission_says_why_in_french(django_capture_on_commit_callbacks):
    volunteer = complete_volunteer(birth_date=date(2000, 2, 1))  # 26 on the reference date
    application = submit(
        ApplicationFactory(volunteer=volunteer), django_capture_on_commit_callbacks
    )

    assert application.status == A.INELIGIBLE
    assert application.eligibility_report.report.criteria["age"].outcome == "fail"
    email = mail.outbox[-1]
    assert email.subject == "Votre candidature n'est pas éligible pour le moment"
    assert "vous avez eu 26 ans le 1 février 2026" in email.body


def test_rerunning_the_check_on_unchanged_data_changes_nothing(django_capture_on_commit_callbacks):
    from missions.checking import check_applications

    application = submit(
        ApplicationFactory(volunteer=complete_volunteer()), django_capture_on_commit_callbacks
    )
    before = EligibilityReport.objects.values().get()
    notifications = Notification.objects.count()

    outcome = check_applications([application.pk], job="test")

    assert (outcome.checked, outcome.reports_changed, outcome.statuses_changed) == (1, 0, 0)
    assert EligibilityReport.objects.values().get() == before
    assert Notification.objects.count() == notifications
    assert StatusChange.objects.count() == 2


def test_fixing_the_data_rechecks_an_open_application(django_capture_on_commit_callbacks):
    volunteer = complete_volunteer()
    volunteer.experiences.all().delete()
    application = submit(
        ApplicationFactory(volunteer=volunteer), django_capture_on_commit_callbacks
    )
    assert application.status == A.INELIGIBLE

    with django_capture_on_commit_callbacks(execute=True):
        ExperienceFactory(volunteer=volunteer)
        services.volunteer_data_changed(volunteer)

    application.refresh_from_db()
    assert application.status == A.ELIGIBLE
    assert application.eligibility_report.eligible


def test_submission_is_refused_after_the_call_closes(django_capture_on_commit_callbacks):
    application = ApplicationFactory(volunteer=complete_volunteer())
    type(application.call).objects.filter(pk=application.call_id).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    application.call.refresh_from_db()
    with pytest.raises(WorkflowError, match="clos"):
        submit(application, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == A.DRAFT
    assert not mail.outbox


def test_choices_respect_the_call(django_capture_on_commit_callbacks):
    missions = [MissionFactory() for _ in range(4)]
    call = CallFactory(missions=missions)
    application = ApplicationFactory(call=call, choose=False)
    with pytest.raises(WorkflowError, match="au plus 3"):
        services.choose_missions(application, actor=application.volunteer, missions=missions)
    with pytest.raises(WorkflowError, match="pas proposée"):
        services.choose_missions(
            application, actor=application.volunteer, missions=[MissionFactory()]
        )
    with pytest.raises(WorkflowError, match="pas le droit"):
        services.choose_missions(application, actor=UserFactory(), missions=missions[:1])
    services.choose_missions(application, actor=application.volunteer, missions=missions[2::-1])
    assert list(application.choices.values_list("mission", "rank")) == [
        (missions[2].pk, 1),
        (missions[1].pk, 2),
        (missions[0].pk, 3),
    ]


def test_a_rolled_back_submission_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    application = ApplicationFactory(volunteer=complete_volunteer())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.submit_application(application, actor=application.volunteer)
                raise RuntimeError("the request failed after the submission")
        except RuntimeError:
            pass
    application.refresh_from_db()
    assert application.status == A.DRAFT
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not mail.outbox


def _shortlisted(call, manager, capture, volunteer=None):
    application = ApplicationFactory(call=call, volunteer=volunteer or complete_volunteer())
    submit(application, capture)
    services.start_review(application, actor=manager)
    services.shortlist(application, actor=manager, reason="Évaluée en comité")
    application.refresh_from_db()
    return application


def test_contingent_from_selection_to_return(manager, django_capture_on_commit_callbacks):
    coordinator = MembershipFactory().user
    partner = coordinator.partner_membership.organisation
    mission = MissionFactory(partner=partner)
    call = CallFactory(missions=[mission])
    contingent = ContingentFactory(call=call, partner=partner, capacity=2)
    first = _shortlisted(call, manager, django_capture_on_commit_callbacks)
    second = _shortlisted(call, manager, django_capture_on_commit_callbacks)
    waiting = _shortlisted(call, manager, django_capture_on_commit_callbacks)
    services.waitlist(waiting, actor=manager)

    with django_capture_on_commit_callbacks(execute=True):
        p1 = services.add_to_contingent(
            contingent, actor=manager, application=first, mission=mission
        )
        p2 = services.add_to_contingent(
            contingent, actor=manager, application=second, mission=mission
        )
        with pytest.raises(WorkflowError, match="complet"):
            services.add_to_contingent(
                contingent, actor=manager, application=waiting, mission=mission
            )
        services.send_contingent(contingent, actor=manager)
    contingent.refresh_from_db()
    assert (contingent.status, contingent.seats_taken) == (ContingentStatus.SENT_TO_PARTNER, 2)
    assert Notification.objects.filter(user=coordinator, event="placement_proposed").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_placement(p1, actor=coordinator)
        services.decline_placement(p2, actor=coordinator, reason="Profil linguistique insuffisant")
    contingent.refresh_from_db()
    second.refresh_from_db()
    assert contingent.seats_taken == 1
    assert contingent.status == ContingentStatus.CONFIRMED
    assert second.status == A.SHORTLISTED
    assert Notification.objects.filter(user=manager, event="placement_decided").count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        p3 = services.add_to_contingent(
            contingent, actor=manager, application=waiting, mission=mission
        )
    contingent.refresh_from_db()
    p3.refresh_from_db()
    assert (contingent.status, p3.status) == (
        ContingentStatus.SENT_TO_PARTNER,
        PlacementStatus.PROPOSED,
    )
    services.confirm_placement(p3, actor=coordinator)

    for placement in (p1, p3):
        placement.refresh_from_db()
        services.record_departure(placement, actor=coordinator, on=date(2026, 10, 1))
    contingent.refresh_from_db()
    assert contingent.status == ContingentStatus.DEPARTED
    services.record_arrival(p1, actor=coordinator, on=date(2026, 10, 2))
    services.record_return(p1, actor=manager, on=date(2026, 11, 1))
    services.interrupt_placement(
        p3, actor=coordinator, on=date(2026, 10, 15), reason="Raison de santé"
    )
    contingent.refresh_from_db()
    assert contingent.status == ContingentStatus.COMPLETED
    statuses = dict(
        Application.objects.filter(pk__in=[first.pk, waiting.pk]).values_list("pk", "status")
    )
    assert statuses == {first.pk: A.COMPLETED, waiting.pk: A.INTERRUPTED}


def test_decline_needs_a_reason_and_changes_nothing_without_one(
    manager, django_capture_on_commit_callbacks
):
    coordinator = MembershipFactory().user
    partner = coordinator.partner_membership.organisation
    mission = MissionFactory(partner=partner)
    call = CallFactory(missions=[mission])
    contingent = ContingentFactory(call=call, partner=partner)
    application = _shortlisted(call, manager, django_capture_on_commit_callbacks)
    placement = services.add_to_contingent(
        contingent, actor=manager, application=application, mission=mission
    )
    services.send_contingent(contingent, actor=manager)
    placement.refresh_from_db()

    with pytest.raises(WorkflowError, match="motif"):
        services.decline_placement(placement, actor=coordinator, reason="  ")

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED
    assert Placement.objects.get().decline_reason == ""


def test_withdrawal_frees_the_seat(manager, django_capture_on_commit_callbacks):
    mission = MissionFactory()
    call = CallFactory(missions=[mission])
    contingent = ContingentFactory(call=call, partner=mission.partner, capacity=1)
    application = _shortlisted(call, manager, django_capture_on_commit_callbacks)
    placement = services.add_to_contingent(
        contingent, actor=manager, application=application, mission=mission
    )

    services.withdraw(application, actor=application.volunteer, reason="Je reprends mes études")

    placement.refresh_from_db()
    contingent.refresh_from_db()
    assert placement.status == PlacementStatus.CANCELLED
    assert contingent.seats_taken == 0


def test_staff_returns_an_application_for_correction_and_the_volunteer_resubmits(
    manager, django_capture_on_commit_callbacks
):
    application = submit(
        ApplicationFactory(volunteer=complete_volunteer()), django_capture_on_commit_callbacks
    )
    services.start_review(application, actor=manager)
    with pytest.raises(WorkflowError, match="corriger"):
        services.return_for_correction(application, actor=manager, reason="")
    services.return_for_correction(
        application, actor=manager, reason="Lettre de motivation illisible"
    )
    application.refresh_from_db()
    assert application.status == A.RETURNED_FOR_CORRECTION

    DocumentFactory(volunteer=application.volunteer, kind="motivation_letter")
    submit(application, django_capture_on_commit_callbacks)
    assert application.status == A.ELIGIBLE


def test_a_managers_removal_is_recorded_with_the_manager_as_actor(
    manager, django_capture_on_commit_callbacks
):
    mission = MissionFactory()
    call = CallFactory(missions=[mission])
    contingent = ContingentFactory(call=call, partner=mission.partner, capacity=1)
    application = _shortlisted(call, manager, django_capture_on_commit_callbacks)
    placement = services.add_to_contingent(
        contingent, actor=manager, application=application, mission=mission
    )
    services.remove_from_contingent(placement, actor=manager)
    removal = StatusChange.objects.for_object(placement).get(to_status=PlacementStatus.CANCELLED)
    assert (removal.actor, removal.job) == (manager, "")
    contingent.refresh_from_db()
    assert contingent.seats_taken == 0
