import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    MissionFactory,
    UserFactory,
    complete_volunteer,
)


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def manager(db):
    user = with_totp(UserFactory(name="Afi Mensah"))
    user.groups.add(Group.objects.get_or_create(name="programme_managers")[0])
    return user


@pytest.fixture
def call(db):
    return CallFactory(title="VIR 2026 — France", missions=[MissionFactory(title="Tri à Lyon")])


@pytest.fixture
def reviewer(call):
    user = with_totp(UserFactory(name="Komlan Agbeko"))
    user.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    call.reviewers.add(user)
    return user


@pytest.fixture
def outside_reviewer(db):
    """A reviewer of another call: must see nothing of `call`."""
    user = with_totp(UserFactory(name="Reviewer Elsewhere"))
    user.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    CallFactory(title="Autre appel").reviewers.add(user)
    return user


@pytest.fixture
def partner_user(db):
    return with_totp(MembershipFactory().user)


@pytest.fixture
def application(call):
    volunteer = complete_volunteer(first_name="Akosua", last_name="Secretname")
    return ApplicationFactory(
        call=call, volunteer=volunteer, status="eligible", motivation="Motivation confidentielle"
    )


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
