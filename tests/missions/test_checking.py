"""Re-checking a whole call in bulk: progress, idempotency and a constant number of queries."""

import pytest
from django.contrib.auth.models import Group

from missions import checking
from missions.enums import BatchStatus
from missions.models import Application, EligibilityBatch
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    submitted_call,
)

pytestmark = pytest.mark.django_db


def test_batch_recheck_moves_every_application_and_reports_progress(
    django_capture_on_commit_callbacks,
):
    call = submitted_call(6)
    with django_capture_on_commit_callbacks(execute=True):
        batch = checking.start_batch(call)
    batch.refresh_from_db()

    assert (batch.status, batch.total, batch.done, batch.changed) == (BatchStatus.DONE, 6, 6, 6)
    counts = sorted(Application.objects.filter(call=call).values_list("status", flat=True))
    assert counts == ["eligible"] * 3 + ["ineligible"] * 3


def test_batch_recheck_twice_changes_nothing_the_second_time(django_capture_on_commit_callbacks):
    call = submitted_call(4)
    with django_capture_on_commit_callbacks(execute=True):
        checking.start_batch(call)
        second = checking.start_batch(call)
    second.refresh_from_db()
    assert (second.done, second.changed) == (4, 0)


def test_changing_a_calls_rules_and_rechecking_updates_reports(django_capture_on_commit_callbacks):
    call = submitted_call(4)
    with django_capture_on_commit_callbacks(execute=True):
        checking.start_batch(call)
    call.max_age = 30
    call.save(update_fields=["max_age"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = checking.start_batch(call)
    batch.refresh_from_db()
    assert batch.changed == 4
    assert set(Application.objects.filter(call=call).values_list("status", flat=True)) == {
        "eligible"
    }


@pytest.mark.parametrize("size", [3, 30])
def test_a_chunk_costs_the_same_number_of_queries_whatever_its_size(
    size, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    call = submitted_call(size)
    ids = list(Application.objects.filter(call=call).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=False), django_assert_max_num_queries(16):
        outcome = checking.check_applications(ids, job="test")
    assert outcome.statuses_changed == size


def test_nightly_job_rechecks_open_calls_only(django_capture_on_commit_callbacks):
    from missions.tasks import recheck_open_calls

    open_call = submitted_call(2)
    closed_call = submitted_call(2)
    type(closed_call).objects.filter(pk=closed_call.pk).update(
        opens_at="2020-01-01T00:00Z", closes_at="2020-02-01T00:00Z"
    )
    with django_capture_on_commit_callbacks(execute=True):
        recheck_open_calls()
    assert EligibilityBatch.objects.get().call == open_call
    assert set(Application.objects.filter(call=closed_call).values_list("status", flat=True)) == {
        "submitted"
    }


def test_reviewers_only_see_applications_of_their_calls():
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    mine, theirs = ApplicationFactory(status="submitted"), ApplicationFactory(status="submitted")
    mine.call.reviewers.add(reviewer)
    assert list(Application.objects.visible_to(reviewer)) == [mine]
    assert list(Application.objects.visible_to(UserFactory())) == []
    assert theirs not in Application.objects.visible_to(reviewer)


def test_a_report_another_check_wrote_meanwhile_is_judged_again_under_the_lock(monkeypatch):
    """The call's rules change and its re-check reads Kossi's file; then Kossi removes his
    passport and that change's own check writes its report, before the re-check locks the row:
    the re-check must not write back what it read before the change."""
    from volunteers.models import Document

    call = submitted_call(1)
    application = Application.objects.get(call=call)
    checking.check_applications([application.pk], job="test")
    assert application.eligibility_report.eligible
    type(call).objects.filter(pk=call.pk).update(max_age=30)

    judge = checking._judge
    seen = []

    def judge_then_change(ids):
        verdicts = judge(ids)
        if not seen:  # the nightly run's unlocked read; then, meanwhile:
            seen.append(ids)
            Document.objects.filter(volunteer=application.volunteer, kind="passport").delete()
            checking.check_applications(ids, job="document_deleted")
        return verdicts

    monkeypatch.setattr(checking, "_judge", judge_then_change)
    checking.check_applications([application.pk], job="call_recheck")

    application.refresh_from_db()
    report = application.eligibility_report
    assert not report.eligible
    assert report.report.criteria["identity"].outcome == "missing"
    assert application.status == "ineligible"
