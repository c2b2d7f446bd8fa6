import os

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP

pytest_plugins = ("celery.contrib.pytest",)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PASSWORD = "correct horse battery staple"


def require_service(name: str, reason: str):
    """Skip a test whose service is missing, or fail it when CI demands the services."""
    message = f"{name} unavailable: {reason}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (REQUIRE_SERVICES=1: services are mandatory)")
    pytest.skip(message)


@pytest.fixture
def make_user(db, django_user_model):
    def make(email: str, *, verified: bool = True, language: str = "fr", **extra):
        user = django_user_model.objects.create_user(
            email=email, password=PASSWORD, language=language, **extra
        )
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def volunteer(make_user):
    return make_user("ama@example.tg", name="Ama Koffi")


@pytest.fixture
def other_volunteer(make_user):
    return make_user("kossi@example.tg", name="Kossi Adjo", language="en")


@pytest.fixture
def reviewer(make_user):
    user = make_user("reviewer@anvt.tg", name="Komlan Agbeko")
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return user


@pytest.fixture
def programme_manager(make_user):
    user = make_user("manager@anvt.tg", name="Afi Mensah")
    user.groups.add(Group.objects.get(name=PROGRAMME_MANAGERS_GROUP))
    return user
