"""Every URL of the URLconf, requested by people who must not reach the demo data's objects.

The URL list comes from the resolver, so a new view is crawled automatically: nobody may get a
200 that holds another person's data, nor another person's file.
"""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from missions.models import Application, Placement
from tests.conftest import with_totp
from tests.factories import CallFactory
from volunteers.models import Document, Experience

IDS = range(1, 11)
WORDS = {
    "step": ["identity", "contact"],
    "kind": ["experience", "document", "midterm", "final"],
    "action": ["shortlist", "reject", "publish", "remove", "departure"],
    "event": ["departure", "arrival", "arrived", "interrupt"],
}
PEOPLE = {
    "ama": ["ama@volontaire.demo", "Koffi"],
    "efua": ["efua@volontaire.demo"],
    "yao": ["yao@volontaire.demo", "Amegah"],
    "kossi": ["kossi@volontaire.demo"],
    "sena": ["sena@volontaire.demo", "Dossou", "DOSSOU"],
    "kodjo": ["kodjo@volontaire.demo", "Akakpo", "AKAKPO"],
    "camille": ["20FR45871"],
}


def patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def urls():
    seen = set()
    for name, entry in patterns():
        if name in seen:
            continue
        seen.add(name)
        converters = getattr(entry.pattern, "converters", {})
        names = list(converters) or list(entry.pattern.regex.groupindex)
        choices = []
        for arg in names:
            converter = (
                type(converters.get(arg)).__name__ if arg in converters else "StringConverter"
            )
            if converter == "IntConverter" or arg.endswith(("pk", "_id")):
                choices.append([str(i) for i in (IDS if not name.startswith("admin:") else [1])])
            else:
                choices.append(WORDS.get(arg, ["x"]))
        for values in itertools.product(*choices):
            kwargs = dict(zip(names, values, strict=True))
            try:
                yield name, kwargs, reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue


FILE_VIEWS = {
    "volunteers:document_file",
    "volunteers:experience_proof",
    "partners:placement_report_midterm_file",
    "partners:placement_report_final_file",
    "staff:document_preview",
    "staff:document_download",
}


def owns_file(user, name, kwargs) -> bool:
    if user is None:
        return False
    pk = int(kwargs.get("document_pk") or kwargs.get("pk") or 0)
    if name == "volunteers:document_file":
        return Document.objects.filter(pk=pk, volunteer=user).exists()
    if name == "volunteers:experience_proof":
        return Experience.objects.filter(pk=pk, volunteer=user).exists()
    if name.startswith("partners:placement_report_"):
        membership = getattr(user, "partner_membership", None)
        return Placement.objects.filter(pk=pk, contingent__partner=membership.organisation).exists()
    return False


@pytest.fixture
def demo(transactional_db, django_db_reset_sequences):
    """The demo data with small, predictable primary keys (sequences reset on PostgreSQL)."""
    call_command("seed_demo")
    User = get_user_model()
    outsider = with_totp(User.objects.create_user("reviewer.elsewhere@anvt.tg", "x"))
    outsider.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    CallFactory(title="Un autre appel").reviewers.add(outsider)
    with_totp(User.objects.get(email="coordinator@lome-solidarite.demo"))
    # The crawl tries the ids in IDS: they must be those of the demo's private objects.
    assert Application.objects.get(volunteer__email="ama@volontaire.demo").pk in IDS
    # Every placement of the people below (the 2025 cohort behind the public figures has no
    # one the crawl looks for).
    people = Placement.objects.filter(volunteer__email__in=[p[0] for p in PEOPLE.values()])
    assert set(people.values_list("pk", flat=True)) <= set(IDS)
    return User


ROLES = {
    "anonymous": (None, set(PEOPLE)),
    "volunteer A": ("ama@volontaire.demo", set(PEOPLE) - {"ama"}),
    "volunteer B": ("kossi@volontaire.demo", set(PEOPLE) - {"kossi"}),
    "reviewer of another call": ("reviewer.elsewhere@anvt.tg", set(PEOPLE)),
    "coordinator of organisation B": ("coordinator@lome-solidarite.demo", set(PEOPLE)),
}


def crawl(user, forbidden, spaces=()) -> tuple[int, list[str]]:
    client = Client()
    if user:
        client.force_login(user)
    markers = [marker for person in forbidden for marker in PEOPLE[person]]
    crawled, leaks = 0, []
    for name, kwargs, url in urls():
        if name in ("account_logout", "set_language"):
            continue  # would end the crawl's own session
        if name.startswith("api-v1:"):
            continue  # a key in a header, never a session: tests/api tries other organisations' ids
        if spaces and not name.startswith(spaces):
            continue
        response = client.get(url)
        crawled += 1
        if response.status_code != 200:
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if name in FILE_VIEWS:
            if not owns_file(user, name, kwargs):
                leaks.append(f"{url}: another person's file")
            continue
        body = content.decode(errors="replace")
        leaks += [f"{url}: {marker}" for marker in markers if marker in body]
    return crawled, leaks


@pytest.mark.parametrize("role", list(ROLES))
def test_no_url_answers_with_anothers_data(demo, role):
    email, forbidden = ROLES[role]
    crawled, leaks = crawl(demo.objects.get(email=email) if email else None, forbidden)
    assert crawled > 500
    assert leaks == []


def test_the_crawler_finds_data_where_it_is_shown(demo):
    """Its own data is all over a volunteer's pages: the crawl would notice a leak."""
    # Her own pages are enough to show it: the other spaces' are crawled by the test above.
    _crawled, leaks = crawl(
        demo.objects.get(email="ama@volontaire.demo"), {"ama"}, spaces=("volunteers:",)
    )
    assert any(leak.startswith("/candidatures/") for leak in leaks)
    assert any(leak.startswith("/espace/") for leak in leaks)
