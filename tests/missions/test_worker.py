"""The eligibility check in a real Celery worker over the configured broker (Redis in CI)."""

import pytest

from missions import services
from missions.enums import ApplicationStatus
from missions.models import Application, EligibilityReport
from tests.conftest import wait_for
from tests.factories import ApplicationFactory, complete_volunteer


@pytest.mark.django_db(transaction=True)
def test_submitted_application_is_checked_by_the_worker(celery_worker_thread):
    application = ApplicationFactory(volunteer=complete_volunteer())

    services.submit_application(application, actor=application.volunteer)

    report = wait_for(lambda: EligibilityReport.objects.filter(application=application).first())
    assert report.eligible is True
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ELIGIBLE
