"""Retention (issue 20, part 4): identity documents deleted six months after the volunteer's last
application closed, other kinds on their own time, she is told beforehand, the audit trail keeps
the kind and count, the files leave the storage, and her export and certificate still work."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from alumni import retention
from audit.models import Erasure
from missions import services
from notifications.models import Notification
from tests.factories import ApplicationFactory, CallFactory, complete_volunteer
from volunteers.models import Document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed_volunteer(manager):
    """Her one application rejected today, in a call that closed yesterday."""
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))
    volunteer = complete_volunteer()
    application = ApplicationFactory(call=call, volunteer=volunteer, status="under_review")
    services.reject(application, actor=manager, reason="Places insuffisantes")
    return volunteer


def kinds(volunteer):
    return sorted(Document.objects.filter(volunteer=volunteer).values_list("kind", flat=True))


def test_identity_documents_go_after_six_months_and_the_rest_on_their_own_time(
    closed_volunteer, client
):
    passport = Document.objects.get(volunteer=closed_volunteer, kind="passport")
    path = passport.file.name
    assert default_storage.exists(path)
    today = timezone.localdate()
    # Five months on: nothing deleted yet.
    assert retention.run(today + timedelta(days=150)).deleted == 0
    assert "passport" in kinds(closed_volunteer)
    # Six months on, never told (the job was off): told now, nothing deleted before 14 days.
    with time_machine.travel(timezone.now() + timedelta(days=184)):
        assert retention.run().deleted == 0
    assert "passport" in kinds(closed_volunteer)
    # Then the passport goes, the CV and letters stay (two years).
    with time_machine.travel(timezone.now() + timedelta(days=199)):
        done = retention.run()
    assert done.deleted == 1
    assert kinds(closed_volunteer) == ["cv", "experience_certificate", "motivation_letter"]
    assert not default_storage.exists(path)
    [erasure] = Erasure.objects.filter(volunteer=closed_volunteer)
    assert (erasure.kind, erasure.count, erasure.job) == ("passport", 1, "document_retention")
    # Her export still works and says what was deleted, not what it held.
    client.force_login(closed_volunteer)
    export = client.get(reverse("volunteers:my_data_export"))
    assert export.status_code == 200
    data = export.json()
    assert data["deleted_documents"][0]["kind"] == "passport"
    assert data["deleted_documents"][0]["count"] == 1
    # Two years on: told again (the first notice was about the passport), then the others go.
    with time_machine.travel(timezone.now() + timedelta(days=717)):
        assert retention.run().deleted == 0
    with time_machine.travel(timezone.now() + timedelta(days=731)):
        assert retention.run().deleted == 3
    assert kinds(closed_volunteer) == []


def test_she_is_told_once_before(closed_volunteer):
    with time_machine.travel(timezone.now() + timedelta(days=183 - 10)) as clock:
        retention.run()
        clock.shift(timedelta(days=1))
        retention.run()
    told = Notification.objects.filter(
        user=closed_volunteer, event="documents_deletion_notice", channel="in_app"
    )
    assert told.count() == 1
    assert "Passeport" in told.get().summary or "passeport" in told.get().summary.lower()
    assert "passport" in kinds(closed_volunteer)


def test_nothing_goes_while_an_application_runs(manager):
    volunteer = complete_volunteer()
    ApplicationFactory(call=CallFactory(), volunteer=volunteer, status="eligible")
    with time_machine.travel(timezone.now() + timedelta(days=1000)):
        assert retention.run().deleted == 0
    assert "passport" in kinds(volunteer)
    assert not Erasure.objects.exists()


def test_a_document_sent_again_is_kept_its_full_time(closed_volunteer):
    with time_machine.travel(timezone.now() + timedelta(days=300)):
        Document.objects.filter(volunteer=closed_volunteer, kind="passport").update(
            uploaded_at=timezone.now()
        )
        retention.run()
    with time_machine.travel(timezone.now() + timedelta(days=320)):
        assert retention.run().deleted == 0  # due 183 days after its upload, not before
    assert "passport" in kinds(closed_volunteer)
