"""The deadline-night load test, on a small scale: gunicorn, a Celery worker and Locust as real
processes on the test database (PostgreSQL) and Redis."""

import io
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from missions.models import Application
from tests.conftest import require_service

VOLUNTEER_PAGES = [
    "application page",
    "call page",
    "document upload",
    "documents page",
    "draft: missions form",
    "draft: motivation form",
    "draft: save missions",
    "draft: save motivation",
    "start application",
    "submit",
    "summary with eligibility preview",
]


@pytest.mark.django_db(transaction=True)
def test_bench_deadline_submits_every_application_and_checks_each_one():
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        require_service(
            "PostgreSQL and Redis", "gunicorn and a worker need DATABASE_URL and CELERY_BROKER_URL"
        )
    if not Path(sys.executable).with_name("locust").exists():
        pytest.skip("Locust is not installed (pip install -e '.[bench]')")
    output = io.StringIO()

    call_command("bench_deadline", volunteers=5, staff=1, run_time="15s", stdout=output)

    result = json.loads(output.getvalue().strip().splitlines()[-1])
    assert (result["failures"], result["submitted"], result["reports"]) == (0, 5, 5)
    volunteer_pages = {
        name: page["requests"]
        for name, page in result["pages"].items()
        if not name.startswith("staff")
    }
    assert volunteer_pages == dict.fromkeys(VOLUNTEER_PAGES, 5)
    assert sorted(Application.objects.values_list("status", flat=True)) == ["eligible"] * 5


def test_bench_deadline_refuses_to_run_without_a_broker(settings):
    settings.CELERY_BROKER_URL = None
    with pytest.raises(CommandError, match="CELERY_BROKER_URL is not set"):
        call_command("bench_deadline", volunteers=1, staff=1)
