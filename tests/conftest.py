import os

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP
from missions import services
from missions.models import Contingent
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    IncomingFactory,
    MembershipFactory,
    MissionFactory,
    PartnerFactory,
    UserFactory,
    complete_volunteer,
)

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


# The cast, shared by every folder -----------------------------------------------------------------
# Volunteers: `volunteer` (Ama) and `other_volunteer` (Kossi) above. ANVT staff: `manager` (Afi,
# programme manager), `reviewer` (Komlan, assigned to `call`), `outside_reviewer` (another call).
# Partners: `coordinator_a` (France Volontaires), `viewer_a`, `coordinator_b` (another partner).
# Staff and coordinators have TOTP: the pages they open require it.


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def manager(db):
    user = with_totp(UserFactory(name="Afi Mensah"))
    user.groups.add(Group.objects.get_or_create(name=PROGRAMME_MANAGERS_GROUP)[0])
    return user


@pytest.fixture
def call(db):
    return CallFactory(title="VIR 2026 — France", missions=[MissionFactory(title="Tri à Lyon")])


@pytest.fixture
def reviewer(call):
    user = with_totp(UserFactory(name="Komlan Agbeko"))
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    call.reviewers.add(user)
    return user


@pytest.fixture
def outside_reviewer(db):
    """A reviewer of another call: must see nothing of `call`."""
    user = with_totp(UserFactory(name="Reviewer Elsewhere"))
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
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


@pytest.fixture
def org_a(db):
    return PartnerFactory(name="France Volontaires")


@pytest.fixture
def org_b(db):
    return PartnerFactory(name="Autre Partenaire", country="BE")


@pytest.fixture
def coordinator_a(org_a):
    return with_totp(MembershipFactory(organisation=org_a, user__name="Claire Martin").user)


@pytest.fixture
def viewer_a(org_a):
    return with_totp(
        MembershipFactory(organisation=org_a, role="viewer", user__name="Paul Lecteur").user
    )


@pytest.fixture
def coordinator_b(org_b):
    return with_totp(MembershipFactory(organisation=org_b, user__name="Coordinatrice B").user)


@pytest.fixture
def sent_contingent(org_a, manager):
    """A contingent of org A with two proposed placements of volunteers named Secretname."""
    mission = MissionFactory(partner=org_a, title="Mission secrète à Lyon")
    call = CallFactory(missions=[mission])
    contingent = services.create_contingent(
        actor=manager, call=call, partner=org_a, name="Contingent secret", capacity=3
    )
    for n in range(2):
        volunteer = complete_volunteer(first_name=f"Vol{n}", last_name="Secretname")
        application = ApplicationFactory(call=call, volunteer=volunteer, status="shortlisted")
        services.add_to_contingent(
            contingent, actor=manager, application=application, mission=mission
        )
    services.send_contingent(contingent, actor=manager)
    return Contingent.objects.get(pk=contingent.pk)


@pytest.fixture
def incoming_a(org_a):
    return IncomingFactory(partner=org_a, last_name="Secretname", passport_number="20FR45871")


@pytest.fixture
def volunteer_client(client, volunteer):
    client.force_login(volunteer)
    return client


@pytest.fixture
def open_call(db):
    return CallFactory(
        title="VIR 2026 — France",
        missions=[MissionFactory(title=f"Mission {n}") for n in range(4)],
    )


@pytest.fixture
def others_application(other_volunteer):
    """Another volunteer's complete, submitted file: what must never leak."""
    complete_volunteer(other_volunteer, first_name="Kossi", last_name="Secretname")
    return ApplicationFactory(
        volunteer=other_volunteer, motivation="Motivation secrète de Kossi", status="submitted"
    )


@pytest.fixture(autouse=True)
def eager_celery(request, settings):
    """Tasks run in-process unless the test asks for the real worker."""
    from anvt.celery import app

    if "celery_worker_thread" in request.fixturenames:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def celery_worker_thread(django_db_blocker):
    """A real Celery worker of the project's app, consuming from the configured broker (Redis)."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.conf import settings
    from django.db import connections
    from kombu import Connection

    from anvt.celery import app

    url = settings.CELERY_BROKER_URL
    if not url:
        require_service("Celery broker", "CELERY_BROKER_URL is not set")
    try:
        with Connection(url, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        require_service("Celery broker", f"{url} does not answer ({exc})")
    app.conf.task_always_eager = False

    @task_postrun.connect(weak=False)
    def close_worker_connections(task=None, **kwargs):
        # The worker thread's own database connections, so that none outlives the test database.
        if task is not None and not task.request.is_eager:
            connections.close_all()

    with start_worker(
        app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
    ):
        yield app


def own_redis_url(db: int) -> str:
    """A Redis database of this test process's own (see tests/settings.py), on the broker's
    server: for a test that runs its own queue (fault tests), whatever runs beside it."""
    from django.conf import settings

    from tests.settings import REDIS_DB_STRIDE, XDIST_WORKER

    base = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    return f"{base}/{db + REDIS_DB_STRIDE * XDIST_WORKER}"


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    """Poll until predicate() is truthy (for work done by the worker); fail after timeout."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(interval)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate limits, cached page fragments)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Threads of the live server and of the worker may leave PostgreSQL sessions open on the
    test database; end them so that the database can be dropped at the end of the run."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def at_once(*calls):
    """Run the calls in threads that start together (two users clicking at the same moment);
    return their results in order. Each thread closes its own database connection."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls), timeout=10)
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
