import json

import pytest

from accounts import integrations


def key_for(user, organisation, *, scope="write", name="PLATO", days=90) -> str:
    return integrations.create_token(organisation, actor=user, name=name, scope=scope, days=days)[1]


@pytest.fixture
def key_a(coordinator_a, org_a):
    return key_for(coordinator_a, org_a)


@pytest.fixture
def read_key_a(coordinator_a, org_a):
    return key_for(coordinator_a, org_a, scope="read", name="Tableau de bord")


@pytest.fixture
def key_b(coordinator_b, org_b):
    return key_for(coordinator_b, org_b, name="Système B")


class Api:
    """The API as a partner's system calls it: a key, JSON, and a language."""

    def __init__(self, client):
        self.client = client

    def __call__(self, method, path, key=None, body=None, *, language="fr", **extra):
        headers = {"HTTP_ACCEPT_LANGUAGE": language, **extra}
        if key:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        if body is not None:
            kwargs["data"] = body
        return getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs, **headers)


@pytest.fixture
def api(client):
    return Api(client)
