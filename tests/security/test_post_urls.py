"""Every POST URL of the portal, posted by every role with hostile bodies.

The property: for each URL whose view accepts POST (found in the resolver, so a new view is
covered automatically), each role and each body (nothing at all; every form field set to a value
of the wrong type; ids of rows that do not exist or belong to someone else), the answer is never
a 500, and when the answer is an error (4xx, a redirect carrying an error or a warning, a login
redirect, a form shown again with its errors) not one row of the database has changed.

The domain is enumerated rather than drawn at random: the values below, every id a URL can take
in the demo data, every role. A role that gets 404 (or the login page) for every id of a URL
cannot reach its view: one body shows that; a role that reaches it gets every body at the first
id it reaches, and the bodies carrying real ids (the two owners') at its other ids and at the ids
that shut it out. Successes
may change the database, and do: the demo data is seeded again for each role.
"""

import copy
import importlib
import inspect
import io
import itertools
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from alumni import followup
from alumni.models import FollowUp
from missions.enums import MissionStatus
from missions.models import (
    Application,
    Call,
    Contingent,
    IncomingVolunteer,
    Mission,
    Placement,
    Theme,
)
from mobility.models import ChecklistItem, MobilityItem, Workshop, WorkshopInvitation
from notifications.models import Notification
from notifications.services import UNSUBSCRIBE_SALT
from partners.models import Agreement, ApiToken, PartnerOrganisation, WebhookEndpoint
from selection import links as committee_links
from selection.models import CommitteeMember, CommitteeSession
from staff.management.commands.seed_demo import CALL_TITLE
from tests.conftest import with_totp
from tests.factories import ContingentFactory, IncomingFactory, MissionFactory
from volunteers import attestations
from volunteers.completeness import STEPS
from volunteers.models import AttestationRequest, Document, Experience

MISSING = 999999
FV, LOME = "France Volontaires", "Association Lomé Solidarité"

# The roles, by their demo e-mail (seed_demo); staff and coordinators get TOTP, as they must.
ROLES = {
    "anonymous": None,
    "volunteer": "ama@volontaire.demo",
    "other volunteer": "kossi@volontaire.demo",
    "reviewer": "reviewer@anvt.demo",
    "programme manager": "manager@anvt.demo",
    "coordinator France Volontaires": "coordinator@france-volontaires.demo",
    "coordinator of another partner": "coordinator@lome-solidarite.demo",
}
NEEDS_TOTP = [email for role, email in ROLES.items() if role.startswith(("rev", "prog", "coord"))]

# Which model a URL's id designates, from the first word of the URL name that names one.
URL_MODELS = [
    ("token_", ApiToken),
    ("endpoint_", WebhookEndpoint),
    ("agreement", Agreement),
    ("staff:host", PartnerOrganisation),
    ("committee", CommitteeSession),
    ("certificate", Placement),
    ("mobility_", MobilityItem),
    ("workshop_attendance", Workshop),
    ("workshop_", WorkshopInvitation),
    ("workshops", Contingent),
    ("checklist", ChecklistItem),
    ("experience", Experience),
    ("document", Document),
    ("application", Application),
    ("placement", Placement),
    ("host_decision", Placement),
    ("incoming", IncomingVolunteer),
    ("mission", Mission),
    ("contingent", Contingent),
    ("call", Call),
    ("apply", Call),
    ("notifications:", Notification),
]
# Run last: it ends the session, and what follows would be posted by nobody.
LAST = {"volunteers:account_delete"}

# Values of the wrong type (or hostile), each posted in every field of every form at once.
JUNK = {
    "word": "abc",
    "negative": "-1",
    "overflow": "99999999999999999999",
    "nul": "a\x00b",
    "bad date": "2026-02-31",
    "long": "x" * 10_000,
    "crlf": "a\r\nSet-Cookie: x=1",
}
# Names no form class declares: built in __init__, by a prefix, or read from request.POST.
EXTRA_FIELDS = [
    "choice_1",
    "choice_2",
    "choice_3",
    "propose",
    "next",
    "languages-TOTAL_FORMS",
    "languages-INITIAL_FORMS",
    "languages-MIN_NUM_FORMS",
    "languages-MAX_NUM_FORMS",
    "languages-0-id",
    "languages-0-language",
    "languages-0-level",
    "languages-0-DELETE",
    "midterm-text",
    "final-text",
]
FILE_FIELDS = ["file", "proof", "midterm-file", "final-file"]
LONG_TEXT = (
    "Un texte assez long pour passer les longueurs minimales des formulaires du portail. " * 2
)


# The URLs ----------------------------------------------------------------------------------------


def _patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _functions(view):
    """The view and every function it wraps, through decorators and closures."""
    stack, seen = [view], set()
    while stack:
        function = stack.pop()
        if id(function) in seen or not inspect.isfunction(function):
            continue
        seen.add(id(function))
        yield function
        stack.append(getattr(function, "__wrapped__", None))
        for cell in function.__closure__ or ():
            try:
                stack.append(cell.cell_contents)
            except ValueError:  # an empty cell
                continue


def accepts_post(view) -> bool:
    """Whether the view, or a function it wraps, reads request.POST, compares request.method
    with "POST" or is decorated with require_POST (read from the compiled code, not the source
    files, which may have changed since they were imported)."""
    for function in _functions(view):
        code = function.__code__
        names = dict(zip(code.co_freevars, function.__closure__ or (), strict=True))
        if "request_method_list" in names and "POST" in names["request_method_list"].cell_contents:
            return True  # require_POST
        if "POST" in code.co_names or ("method" in code.co_names and "POST" in code.co_consts):
            return True
    return False


def is_third_party(name: str, view) -> bool:
    module = inspect.unwrap(view).__module__
    return name.startswith(("admin:", "account_", "mfa_")) or module.startswith(
        ("allauth.", "django.contrib.admin")
    )


def post_urls() -> list[tuple[str, URLPattern]]:
    found, seen = [], set()
    for name, entry in _patterns():
        if name in seen or is_third_party(name, entry.callback) or not accepts_post(entry.callback):
            continue
        seen.add(name)
        found.append((name, entry))
    return sorted(found, key=lambda item: item[0] in LAST)


def model_of(name: str, kwarg: str, kwargs: list[str]):
    if kwarg == "pk" and "item_pk" in kwargs:
        return Application  # /candidatures/<pk>/experiences/<item_pk>/...
    if kwarg == "application_pk":
        return Application  # /comites/<pk>/candidatures/<application_pk>/...
    for word, model in URL_MODELS:
        if word in name:
            return model
    raise AssertionError(f"{name}: which model does <{kwarg}> designate? Add it to URL_MODELS.")


def url_instances(name, entry, rows, tokens) -> list[str]:
    """The URL with each interesting value of its arguments: ids of the demo's rows owned by
    different people, an id that does not exist, every profile step, good and bad tokens."""
    converters = entry.pattern.converters
    kwargs = list(converters)
    choices = []
    for kwarg in kwargs:
        if kwarg == "step":
            choices.append([step for step, _label in STEPS])
        elif kwarg == "months":  # a follow-up questionnaire: 3, 6 or 12 months, or none
            choices.append([3, 6, 12, 7])
        elif kwarg == "token":
            choices.append(tokens)
        elif type(converters[kwarg]).__name__ == "IntConverter":
            choices.append([*rows[model_of(name, kwarg, kwargs)], MISSING])
        else:
            raise AssertionError(f"{name}: no values for <{kwarg}>; add them here.")
    if len(kwargs) == 2 and "item_pk" in kwargs:  # an item, its application, and mismatches
        application, item = choices
        combos = [(application[0], item[0]), (application[0], item[1]), (application[1], item[1])]
        combos.append((MISSING, MISSING))
    elif kwargs == ["pk", "application_pk"]:  # a session's applicant, another's, mismatches
        (open_session, closed_session, _missing), applications = choices
        ama, _other, in_open, in_closed = applications[:4]
        combos = [(open_session, in_open), (open_session, ama), (closed_session, in_closed)]
        combos += [(open_session, in_closed), (MISSING, MISSING)]
    else:
        combos = list(itertools.product(*choices))
    return [reverse(name, kwargs=dict(zip(kwargs, combo, strict=True))) for combo in combos]


# The bodies --------------------------------------------------------------------------------------


def form_fields() -> dict[str, forms.Field]:
    """Every field of every form and filter of the project's apps, by name (first one wins)."""
    fields = {}
    for config in apps.get_app_configs():
        if Path(config.path).parent != settings.BASE_DIR:
            continue  # third-party
        for suffix in ("forms", "filters"):
            try:
                module = importlib.import_module(f"{config.name}.{suffix}")
            except ModuleNotFoundError:
                continue
            for cls in vars(module).values():
                if not isinstance(cls, type) or cls.__module__ != module.__name__:
                    continue
                if issubclass(cls, forms.BaseForm):
                    for field_name, field in cls.base_fields.items():
                        fields.setdefault(field_name, field)
                elif issubclass(cls, django_filters.FilterSet):
                    for field_name, item in cls.base_filters.items():
                        # A copy: `.field` is cached on the filter, and a class-level filter
                        # whose queryset is set per request would keep its empty field for
                        # every later request of the process (the staff's application list).
                        fields.setdefault(field_name, copy.deepcopy(item).field)
    return fields


def plausible(field):
    """A value that field would accept, so that the ids around it are what decides."""
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.DateTimeField):
        return (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    if isinstance(field, forms.DateField):
        return timezone.localdate().isoformat()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "2"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        values = [str(value) for value, _label in field.choices if value not in ("", None)]
        return values[0] if values else ""
    if isinstance(field, forms.CharField):
        return LONG_TEXT[: field.max_length or len(LONG_TEXT)].strip()
    return ""


def pick(rows, model, index: int) -> int:
    """The index-th row of a model: the fixture's choice, else any existing row."""
    ids = rows.get(model) or list(model.objects.order_by("pk").values_list("pk", flat=True)[:2])
    return ids[index % len(ids)] if ids else MISSING


def bodies(fields, rows) -> list[tuple[str, Callable[[], dict]]]:
    """(name, a function building a fresh body): uploads can be read only once."""
    id_fields = {
        name: field.queryset.model
        for name, field in fields.items()
        if isinstance(field, forms.ModelChoiceField)
    }
    id_fields.update({f"choice_{rank}": Mission for rank in (1, 2, 3)})
    names = sorted({*fields, *EXTRA_FIELDS})

    def junk(value, with_files=False):
        def build():
            body = dict.fromkeys(names, value)
            if body["languages-TOTAL_FORMS"].isdigit():
                # Above the formsets' max_num. Not a huge count: Django caps it at max_num + 1000
                # forms, and the page shown again then takes seconds to render each time.
                body["languages-TOTAL_FORMS"] = "9"
            if with_files:
                body.update(
                    {
                        name: SimpleUploadedFile("junk.pdf", b"abc", "application/pdf")
                        for name in FILE_FIELDS
                    }
                )
            return body

        return build

    def with_ids(choose):
        def build():
            body = {
                name: plausible(field)
                for name, field in fields.items()
                if not isinstance(field, forms.FileField)
            }
            body.update({"midterm-text": LONG_TEXT, "final-text": LONG_TEXT, "confirm": "on"})
            body.update({name: str(choose(model)) for name, model in id_fields.items()})
            return body

        return build

    return [
        ("empty", dict),
        *((f"junk {label}", junk(value, label == "word")) for label, value in JUNK.items()),
        ("ids that do not exist", with_ids(lambda model: MISSING)),
        ("ids of the first owner", with_ids(lambda model: pick(rows, model, 0))),
        ("ids of the second owner", with_ids(lambda model: pick(rows, model, 1))),
    ]


# The database ------------------------------------------------------------------------------------


def tables():
    """Every table but the sessions' (a login writes there) and the static permissions."""
    skipped = {"sessions.Session", "auth.Permission", "contenttypes.ContentType"}
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in skipped and model._meta.managed
    ]


def _select(expressions: list[str]) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(expressions)}")
        return cursor.fetchone()


def fingerprint(models, previous=None) -> dict[str, tuple]:
    """Every row of every table, to compare before and after a post: {label: (mark, content)}.

    On PostgreSQL the content is an md5 of each table computed by the server, and only for the
    tables written since `previous`: a table whose row count and newest row version (xmin) are
    the same has the same rows. Most posts are refused and write nothing, so most cost one
    cheap query instead of reading every table back."""
    quote = connection.ops.quote_name
    if connection.vendor != "postgresql":
        state = {}
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    f"SELECT * FROM {quote(model._meta.db_table)} "  # noqa: S608 (model metadata)
                    f"ORDER BY {quote(model._meta.pk.column)}"
                )
                state[model._meta.label] = (None, cursor.fetchall())
        return state
    marks = _select(
        [
            f"(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) "  # noqa: S608
            f"FROM {quote(m._meta.db_table)})"
            for m in models
        ]
    )
    written = [
        (model, mark)
        for model, mark in zip(models, marks, strict=True)
        if previous is None or previous[model._meta.label][0] != mark
    ]
    digests = (
        _select(
            [
                f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY "  # noqa: S608
                f"t.{quote(m._meta.pk.column)}), '')) FROM {quote(m._meta.db_table)} AS t)"
                for m, _mark in written
            ]
        )
        if written
        else ()
    )
    state = dict(previous or {})
    for (model, mark), digest in zip(written, digests, strict=True):
        state[model._meta.label] = (mark, digest)
    return state


def changed(before, after) -> list[str]:
    return [label for label in before if before[label][1] != after[label][1]]


# The answers -------------------------------------------------------------------------------------


def refusal(response) -> str | None:
    """Why the answer is an error, or None for a success."""
    queued = getattr(response.wsgi_request, "_messages", None)
    levels = {message.level for message in getattr(queued, "_queued_messages", [])}
    if response.status_code >= 400:
        return f"status {response.status_code}"
    if levels & {messages.ERROR, messages.WARNING}:
        return "error message"
    if response.status_code in (301, 302, 303) and response["Location"].startswith(
        reverse("account_login")
    ):
        return "sent to the login page"
    shown = b"" if response.streaming else response.content
    if response.status_code == 200 and (b"errorlist" in shown or b"message-error" in shown):
        return "form with errors"
    return None


def failure_summary(response) -> str:
    """The exception behind a 500: its type and message, where the portal's code raised or
    called it, and where it was raised in the end."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    frames = traceback.extract_tb(exc_info[2])
    ours = [frame for frame in frames if "/site-packages/" not in frame.filename] or frames

    def place(frame):
        return (
            f"{frame.filename.split('/site-packages/')[-1].rsplit('/main/', 1)[-1]}:{frame.lineno}"
        )

    where = place(ours[-1]) + ("" if ours[-1] is frames[-1] else f" -> {place(frames[-1])}")
    return f" ({exc_info[0].__name__}: {str(exc_info[1])[:160]!r} at {where})"


# The test ----------------------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db):
    """The demo data, with TOTP for the staff and the coordinators, and a row or two more so
    that every kind of object has one for each of two owners."""
    call_command("seed_demo", stdout=io.StringIO())
    User = get_user_model()
    for email in NEEDS_TOTP:
        with_totp(User.objects.get(email=email))
    fv = PartnerOrganisation.objects.get(name=FV)
    lome = PartnerOrganisation.objects.get(name=LOME)
    call = Call.objects.get(title=CALL_TITLE)
    theme = Theme.objects.order_by("pk").first()
    draft_offer = MissionFactory(partner=fv, theme=theme, status=MissionStatus.DRAFT)
    declared = IncomingFactory(partner=fv, theme=theme, passport_number="20FR99999")
    forming = ContingentFactory(call=call, partner=lome, name="VIR 2026 — Lomé — en formation")

    def first(queryset):
        row = queryset.order_by("pk").first()
        assert row is not None, "the demo data lacks a row this test relies on"
        return row.pk

    ama, kossi = (
        User.objects.get(email=email) for email in ("ama@volontaire.demo", "kossi@volontaire.demo")
    )
    # For each model, rows of two different owners (volunteers or partners), then any others.
    rows = {
        Application: [first(ama.applications), first(Application.objects.exclude(volunteer=ama))],
        Experience: [first(ama.experiences), first(kossi.experiences)],
        Document: [first(ama.documents), first(Document.objects.exclude(volunteer=ama))],
        Call: [call.pk],
        Mission: [
            first(call.missions.filter(partner=fv)),
            first(Mission.objects.filter(partner=lome)),
            draft_offer.pk,
        ],
        Contingent: [first(Contingent.objects.filter(partner=fv)), forming.pk],
        Placement: list(Placement.objects.order_by("pk").values_list("pk", flat=True)),
        IncomingVolunteer: [declared.pk, first(IncomingVolunteer.objects.filter(partner=lome))],
        Notification: [
            first(Notification.objects.filter(user=ama)),
            first(Notification.objects.exclude(user=ama)),
        ],
        PartnerOrganisation: [fv.pk, lome.pk],
        Agreement: [first(Agreement.objects.filter(partner=fv))],
        ApiToken: list(ApiToken.objects.order_by("pk").values_list("pk", flat=True)),
        WebhookEndpoint: list(WebhookEndpoint.objects.values_list("pk", flat=True)),
        Theme: list(Theme.objects.order_by("pk").values_list("pk", flat=True)),
        User: [ama.pk, kossi.pk],
        MobilityItem: list(MobilityItem.objects.order_by("pk").values_list("pk", flat=True)[:3]),
        Workshop: list(Workshop.objects.values_list("pk", flat=True)),
        WorkshopInvitation: list(WorkshopInvitation.objects.values_list("pk", flat=True)),
        ChecklistItem: list(ChecklistItem.objects.order_by("pk").values_list("pk", flat=True)[:2]),
        # The session that sits (open) and the one of 2025 (closed, read-only).
        CommitteeSession: list(
            CommitteeSession.objects.order_by("-pk").values_list("pk", flat=True)
        ),
    }
    # The committee's applicants (one per session) join the applications tried.
    for session in CommitteeSession.objects.order_by("-pk"):
        rows[Application].append(session.applications.order_by("pk").first().pk)
    outside = CommitteeMember.objects.filter(user__isnull=True).get()
    pending = AttestationRequest.objects.get(answered_at__isnull=True)
    tokens = [
        "not-a-token",
        committee_links.token_of(outside),
        attestations.token_of(pending),
        followup.token_of(FollowUp.objects.get()),
        signing.dumps([ama.pk, "applications"], salt=UNSUBSCRIBE_SALT),
        signing.dumps([MISSING, "applications"], salt=UNSUBSCRIBE_SALT),
    ]
    return rows, tokens


def shut_out(response) -> bool:
    """The role cannot reach the view at all: 404 whatever the id, or sent to log in."""
    location = response.get("Location", "")
    return response.status_code in (403, 404) or location.startswith(reverse("account_login"))


def post_everywhere(role, rows, tokens) -> tuple[int, list[str]]:
    client = Client(raise_request_exception=False)
    if ROLES[role]:
        client.force_login(get_user_model().objects.get(email=ROLES[role]))
    every_body = bodies(form_fields(), rows)
    probe = every_body[1]  # junk in every field, and junk files
    others = [body for body in every_body if body is not probe]
    ids_only = [body for body in others if body[0].startswith("ids of")]
    models = tables()
    posts, problems, state = 0, [], fingerprint(models)

    def post(url, label, build):
        nonlocal posts, state
        response = client.post(url, build())
        client.cookies.pop("messages", None)  # each answer is judged on its own messages
        posts += 1
        after = fingerprint(models, state)
        if response.status_code >= 500:
            problems.append(
                f"{role} POST {url!r} [{label}] -> {response.status_code}"
                + failure_summary(response)
            )
        why = refusal(response)
        if why and changed(state, after):
            problems.append(
                f"{role} POST {url!r} [{label}] -> {response.status_code} ({why}) "
                f"but changed {changed(state, after)}"
            )
        state = after
        return response

    for name, entry in post_urls():
        urls = url_instances(name, entry, rows, tokens)
        # One body shows a refusal where the role has no access; where it has, every body. Where
        # one id or token of the URL shuts the role out, the ids of the bodies may still open a
        # door (a view may look up an id it is sent): those bodies only, not junk after junk.
        # Junk, an empty body and missing ids are about the form, not the row: they go to the
        # first id the role reaches; the other ids it reaches get the bodies of real ids.
        outs = [shut_out(post(url, *probe)) for url in urls]
        if all(outs):
            continue
        junk_sent = False
        for url, out in zip(urls, outs, strict=True):
            if out or junk_sent:
                chosen = ids_only
            else:
                chosen, junk_sent = others, True
            for label, build in chosen:
                post(url, label, build)
    return posts, problems


@pytest.mark.parametrize("role", list(ROLES))
def test_post_urls_never_fail_nor_change_anything_when_refused(demo, role):
    rows, tokens = demo
    posts, problems = post_everywhere(role, rows, tokens)
    assert posts > 100
    assert not problems, f"{len(problems)} problems in {posts} posts:\n" + "\n".join(problems)


def test_post_urls_cover_every_space_and_its_forms():
    """The discovery finds the views of each space, and the bodies reach their forms' fields."""
    names = {name for name, _entry in post_urls()}
    assert {
        "set_language",
        "notifications:read_all",
        "notifications:unsubscribe",
        "staff:application_reject",
        "staff:call_create",
        "staff:outbox_retry",
        "partners:placement_confirm",
        "partners:incoming_add",
        "volunteers:profile_step",
        "volunteers:document_delete",
        "volunteers:application_review",
    } <= names
    assert not names & {"staff:applications", "missions:catalogue", "volunteers:document_file"}
    assert post_urls()[-1][0] in LAST
    assert {"reason", "on", "motivation", "application", "notification", "families"} <= set(
        form_fields()
    )
