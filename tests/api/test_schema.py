"""Schemathesis against the live OpenAPI description, on a seeded database: for every operation,
generated valid and invalid requests with a real key of the seeded partner. Zero server errors,
and every answer matches the description (status, content type, schema)."""

import json
import os

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from anvt.wsgi import application
from api.examples import EXAMPLES as EXAMPLES_OF
from api.v1 import api as partner_api
from tests.api.conftest import key_for
from tests.factories import HostFactory, IncomingFactory, MissionFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Cases per operation: valid and invalid requests generated from the description, and its
# committed examples; enough to reach every error path, within the suite's time budget
# (SCHEMATHESIS_EXAMPLES=500 for a longer run).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))


@pytest.fixture
def seeded(db, sent_contingent, coordinator_a, org_a, settings):
    """The real WSGI handler closes the connection after each request, which would end the
    test's transaction: Django's test client does not let it, nor do we."""
    settings.API_RATE_LIMIT = ""  # no limit: hundreds of calls in a row
    MissionFactory(partner=org_a)
    IncomingFactory(partner=org_a, host_structure=HostFactory())
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield key_for(coordinator_a, org_a)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_answers_as_described(seeded):
    """One test walks every operation (schemathesis' own parametrize gives all its items one
    pytest id, which pytest-xdist runs once): a failure names its operation."""
    headers = {"Authorization": f"Bearer {seeded}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(EXAMPLES_OF)
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
            *operation.get_strategies_from_examples(),
        )

        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=cases)
        def answers_as_described(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            answers_as_described()
        except Exception as failure:
            raise AssertionError(f"{operation.label}: {failure}") from failure


def test_every_operation_has_an_example_valid_for_its_schema():
    """The committed examples (api/examples.py) are in the description, and each answer example
    is valid for the operation's schema (JSON Schema 2020-12, as OpenAPI 3.1 uses it)."""
    described = partner_api.get_openapi_schema()
    definitions = json.loads(
        json.dumps(described["components"]["schemas"]).replace("#/components/schemas/", "#/$defs/")
    )
    seen = set()
    for path in described["paths"].values():
        for operation in path.values():
            seen.add(operation["operationId"])
            request_example, answer = EXAMPLES_OF[operation["operationId"]]
            success = next(code for code in operation["responses"] if int(code) < 300)
            media = operation["responses"][success]["content"]["application/json"]
            assert media["example"] == answer
            schema_of = json.loads(
                json.dumps(media["schema"]).replace("#/components/schemas/", "#/$defs/")
            )
            Draft202012Validator({**schema_of, "$defs": definitions}).validate(answer)
            if request_example is not None:
                body = next(iter(operation["requestBody"]["content"].values()))
                assert body["example"] == request_example
            else:
                assert "requestBody" not in operation, operation["operationId"]
    assert seen == set(EXAMPLES_OF)


def test_the_committed_description_is_the_live_one():
    """docs/api/openapi.json is what the portal serves (regenerate: manage.py
    export_openapi_schema --api api.v1.api --indent 2 --output docs/api/openapi.json)."""
    committed = json.loads((settings.BASE_DIR / "docs" / "api" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(partner_api.get_openapi_schema()))
