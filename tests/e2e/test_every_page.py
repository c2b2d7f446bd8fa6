"""Every page each role of the demo can reach, in Chromium at 390x844, in French (and in English
for the visitor, the host link, the committee's outside member, the selected volunteer, the
manager and France Volontaires; Kossi reads in English only): no horizontal overflow, targets
of 24x24 px or spaced as WCAG 2.2 (2.5.8) allows, no string of the other language, no stored code
displayed raw, and no serious or critical violation found by axe-core (vendored in
tests/e2e/vendor/axe-core, injected by the test: the contexts bypass the portal's
Content-Security-Policy for it).

The selection committee's pages are seen by the manager (both sessions of the demo, the closed
one's minutes downloaded), by the reviewer (a member of both; the file is one he declared no
conflict with), and by the demo's member from outside ANVT through his signed link, without an
account (like the host structure).

The pages come from the URLconf: the tables below say, for each URL name, how a role finds its
arguments among the demo's objects. The test ends by checking that every URL name of the spaces
(staff, partners, volunteers, missions, notifications, preferences, committee) was visited,
answered GET as a download, or is in SKIP with its reason: a new page cannot go unseen.

All findings of all pages are collected, then the test fails once with the report, also written
to tests/e2e/screenshots/every-page-report.txt; each page's full-page screenshot is in
tests/e2e/screenshots/pages/<role>-<url name>[-<object>][-en].png.

The demo (seed_demo) gets a few objects more, so that no page is left without one to show: a
draft offer and a declared incoming volunteer of the host structure in Lomé (through the services
its coordinator's forms call), a re-check of the call (the service behind the manager's button),
a proof attached to Akouvi's first experience, and a volunteer who signs up in the browser.
"""

import io
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.core.signing import dumps
from django.db import models
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.invitations import invitation_link
from alumni import followup
from alumni.models import Certificate, FollowUp
from missions import checking, hostlinks, services
from missions.enums import (
    APPLICATION_WITHDRAWABLE,
    ApplicationStatus,
    Direction,
    MissionStatus,
    PlacementStatus,
)
from missions.models import (
    Application,
    Call,
    Contingent,
    IncomingVolunteer,
    Mission,
    Placement,
    Theme,
)
from missions.queries import shared_documents
from mobility.models import ChecklistItem, Workshop
from notifications.models import Notification
from notifications.services import UNSUBSCRIBE_SALT
from partners.models import Agreement, PartnerOrganisation
from selection import links
from selection.models import CommitteeMember, CommitteeSession, Declaration
from staff.management.commands.seed_demo import CALL_TITLE, CONTINGENT_NAME, PDF
from tests.e2e import pages
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import accept_invitation, log_in, sign_up
from volunteers import attestations
from volunteers.completeness import STEPS
from volunteers.models import AttestationRequest

# A full-page screenshot of every page, for people to look at: on by default, off in CI
# (REQUIRE_SERVICES=1) where nobody does, unless E2E_PAGE_SCREENSHOTS=1 asks for them.
SCREENSHOTS = (
    os.environ.get(
        "E2E_PAGE_SCREENSHOTS", "0" if os.environ.get("REQUIRE_SERVICES") == "1" else "1"
    )
    == "1"
)

# How each URL name finds its arguments ---------------------------------------------------------
#
# A table maps a URL name to (kind, arguments): kind "page" is opened in the browser and checked,
# "download" is fetched with the role's session and must answer 200 with a file, "redirect" must
# answer a redirect (a URL with no page of its own). `arguments(demo, user)` returns the list of
# the URL's kwargs to visit, each optionally with a label for the screenshot's name; an empty
# list means the role has no such object (Kossi has no application).

Arguments = Callable[[SimpleNamespace, object], list]


def one(demo, user):
    return [{}]


def page(arguments: Arguments = one):
    return ("page", arguments)


def download(arguments: Arguments = one):
    return ("download", arguments)


def redirect(arguments: Arguments = one):
    return ("redirect", arguments)


def pks(rows, label=None, key="pk"):
    return [((label(row) if label else None), {key: row.pk}) for row in rows]


def first_name(row):
    return row.volunteer.name.split()[0].lower()


PUBLIC = {
    "home": page(),
    "missions:catalogue": page(),
    "missions:mission": page(
        lambda d, u: [("outgoing", {"pk": d.outgoing.pk}), ("incoming", {"pk": d.incoming.pk})]
    ),
    "missions:call": page(lambda d, u: [{"pk": d.call.pk}]),
}
VISITOR = {
    **PUBLIC,
    "account_login": page(),
    "account_signup": page(),
    "account_reset_password": page(),
    "account_request_login_code": page(),
    # The link at the foot of a message, opened without signing in.
    "notifications:unsubscribe": page(lambda d, u: [{"token": d.unsubscribe_token}]),
    # Anyone checks a certificate of completion: the form, and Afiwa's certificate.
    "certificate_lookup": page(),
    "certificate_verify": page(lambda d, u: [("valid", {"code": d.certificate_code})]),
    # The programme's public figures, and their downloads.
    "figures": page(),
    "figures_csv": download(),
    "figures_json": download(),
}
# Ama's referee (no account) opens the link that asks him to attest her experience.
REFEREE = {"attestation": page(lambda d, u: [{"token": d.attestation_token}])}
# Afiwa opens her follow-up questionnaire from its link, without signing in (answered).
FOLLOW_UP = {"follow_up": page(lambda d, u: [{"token": d.follow_up_token}])}
HOST = {
    # The host structure in Lille has no account: its link names Kodjo's placement.
    "host_decision": page(lambda d, u: [d.host_link]),
}
# The committee member from outside ANVT (Jean-Paul Durand) has no account either: his link
# opens this year's session, his declarations, and a file he declared no conflict with.
OUTSIDE = {
    "committee:home": page(lambda d, u: [{"token": d.outside_token}]),
    "committee:declarations": page(lambda d, u: [{"token": d.outside_token}]),
    "committee:file": page(
        lambda d, u: [{"token": d.outside_token, "application_pk": d.outside_file}]
    ),
}
SIGNED_IN = {
    "home": page(),
    "notifications:list": page(),
    "preferences:messages": page(),
    "account_email": page(),
    "account_change_password": page(),
    "mfa_index": page(),
}


def own_first(relation):
    return lambda d, u: pks(getattr(u, relation).order_by("pk")[:1])


def own_applications(keep=lambda application: True):
    return lambda d, u: pks(
        [a for a in Application.objects.filter(volunteer=u).order_by("pk") if keep(a)]
    )


def own_placements(d, u):
    return pks(Placement.objects.filter(volunteer=u).order_by("pk"))


VOLUNTEER = {
    **SIGNED_IN,
    "preferences:phone": page(),
    "volunteers:dashboard": page(),
    "volunteers:profile_step": page(lambda d, u: [(s, {"step": s}) for s, _label in STEPS]),
    "volunteers:experiences": page(),
    "volunteers:experience_add": page(),
    "volunteers:experience_edit": page(own_first("experiences")),
    "volunteers:experience_delete": page(own_first("experiences")),
    "volunteers:experience_proof": download(
        lambda d, u: pks(u.experiences.exclude(proof="").order_by("pk")[:1])
    ),
    "volunteers:documents": page(),
    "volunteers:document_file": download(own_first("documents")),
    "volunteers:document_replace": page(own_first("documents")),
    "volunteers:document_delete": page(own_first("documents")),
    "volunteers:applications": page(),
    "volunteers:application": page(own_applications()),
    "volunteers:application_missions": page(own_applications(lambda a: a.is_editable)),
    "volunteers:application_motivation": page(own_applications(lambda a: a.is_editable)),
    "volunteers:application_review": page(own_applications(lambda a: a.is_editable)),
    "volunteers:application_withdraw": page(
        own_applications(lambda a: a.status in APPLICATION_WITHDRAWABLE)
    ),
    "volunteers:placement": page(own_placements),
    "volunteers:mobility": page(
        lambda d, u: pks(Placement.objects.filter(volunteer=u, mobility_items__isnull=False)[:1])
    ),
    "volunteers:placement_certificate": download(
        lambda d, u: pks(Placement.objects.filter(volunteer=u, certificate__isnull=False))
    ),
    "volunteers:my_data": page(),
    "volunteers:my_data_export": download(),
    "volunteers:account_delete": page(),
}


def own_sessions(d, u):
    """The committee sessions the staff member may open (a manager: all), labelled by state."""
    rows = CommitteeSession.objects.visible_to(u).order_by("held_at")
    return [(session.status, {"pk": session.pk}) for session in rows]


def closed_sessions(d, u):
    rows = CommitteeSession.objects.visible_to(u).filter(status="closed").order_by("held_at")
    return pks(rows, lambda session: session.status)


def open_seat(d, u):
    """The staff member's seat in this year's session (open), if any."""
    return CommitteeMember.objects.filter(session=d.open_session, user=u).first()


def seat_declarations(d, u):
    return [{"pk": d.open_session.pk}] if open_seat(d, u) else []


def seat_file(d, u):
    """A file of this year's session the member declared no conflict with."""
    member = open_seat(d, u)
    if member is None:
        return []
    declaration = (
        Declaration.objects.filter(member=member, conflict=False)
        .select_related("application__volunteer")
        .order_by("application_id")
        .first()
    )
    if declaration is None:
        return []
    label = first_name(declaration.application)
    return [(label, {"pk": d.open_session.pk, "application_pk": declaration.application_id})]


def application_document(d, u):
    document = d.akouvi_application.volunteer.documents.order_by("pk").first()
    return [{"pk": d.akouvi_application.pk, "document_pk": document.pk}]


STAFF = {
    **SIGNED_IN,
    "staff:home": page(),
    "staff:applications": page(),
    "staff:applications_export": download(),
    # An application waiting for its reviews, and one proposed to a partner.
    "staff:application": page(
        lambda d, u: pks(
            Application.objects.filter(volunteer__email__in=["ama@volontaire.demo", d.sena])
            .select_related("volunteer")
            .order_by("pk"),
            first_name,
        )
    ),
    "staff:document_preview": download(application_document),
    "staff:document_download": download(application_document),
    # The selection committee: a member's sessions, declarations and files; the minutes.
    "staff:committees": page(),
    "staff:committee": page(own_sessions),
    "staff:committee_declarations": page(seat_declarations),
    "staff:committee_file": page(seat_file),
    "staff:committee_minutes": download(closed_sessions),
}
MANAGER = {
    **STAFF,
    # Every application of the demo: each state shows other actions.
    # (Not the 2025 cohort's, written in bulk for the public figures: the same page 44 times.)
    "staff:application": page(
        lambda d, u: pks(
            Application.objects.exclude(volunteer__email__startswith="cohorte-")
            .select_related("volunteer")
            .order_by("pk"),
            first_name,
        )
    ),
    "staff:calls": page(),
    "staff:call_create": page(),
    "staff:call_edit": page(lambda d, u: [{"pk": d.call.pk}]),
    "staff:batch": page(lambda d, u: [{"pk": d.batch.pk}]),
    "staff:call_grid": page(lambda d, u: [{"pk": d.call.pk}]),
    "staff:call_targets": page(lambda d, u: [{"pk": d.call.pk}]),
    "staff:committee_create": page(),
    # After the mission: the follow-up figures, the three questionnaires, a certificate.
    "staff:follow_ups": page(),
    "staff:questionnaire": page(lambda d, u: [(str(m), {"months": m}) for m in (3, 6, 12)]),
    "staff:placement_certificate": download(
        lambda d, u: pks(Placement.objects.filter(certificate__isnull=False))
    ),
    "staff:missions": page(),
    "staff:mission_create": page(),
    "staff:mission_edit": page(
        lambda d, u: [("published", {"pk": d.outgoing.pk}), ("draft", {"pk": d.draft_offer.pk})]
    ),
    "staff:contingents": page(),
    "staff:contingent": page(lambda d, u: [{"pk": d.contingent.pk}]),
    "staff:contingent_roster": download(lambda d, u: [{"pk": d.contingent.pk}]),
    "staff:placement": page(
        lambda d, u: pks(
            Placement.objects.exclude(volunteer__email__startswith="cohorte-")
            .select_related("volunteer")
            .order_by("pk"),
            first_name,
        )
    ),
    "staff:mobility": page(lambda d, u: [{"pk": d.akouvi_placement.pk}]),
    "staff:readiness": page(lambda d, u: [{"pk": d.contingent.pk}]),
    "staff:readiness_csv": download(lambda d, u: [{"pk": d.contingent.pk}]),
    "staff:workshops": page(lambda d, u: [{"pk": d.contingent.pk}]),
    "staff:workshop_attendance": page(lambda d, u: [{"pk": d.workshop.pk}]),
    "staff:checklists": page(),
    "staff:checklist_item_add": page(),
    "staff:checklist_item": page(lambda d, u: [{"pk": d.checklist_item.pk}]),
    "staff:incoming": page(),
    # Reciprocity: the ledger, the agreements, the host structures of Togo (one verified, one
    # lapsed, one never verified).
    "staff:ledger": page(),
    "staff:ledger_export": download(),
    "staff:agreements": page(),
    "staff:agreement_add": page(),
    "staff:agreement": page(lambda d, u: pks(Agreement.objects.order_by("pk")[:1])),
    "staff:hosts": page(),
    "staff:host_add": page(),
    "staff:host": page(
        lambda d, u: pks(
            PartnerOrganisation.objects.hosts_in_togo().order_by("pk"), lambda r: r.city.lower()
        )
    ),
    "staff:dashboard": page(),
    "staff:outbox": page(),
}


def organisation_of(user):
    return user.partner_membership.organisation if hasattr(user, "partner_membership") else None


def partner_contingents(d, u):
    return pks(Contingent.objects.filter(partner=organisation_of(u)).order_by("pk"))


def partner_placements(d, u):
    rows = Placement.objects.filter(contingent__partner=organisation_of(u)).exclude(
        volunteer__email__startswith="cohorte-"
    )
    return pks(rows.select_related("volunteer").order_by("pk"), first_name)


def partner_document(d, u):
    placement = (
        Placement.objects.filter(contingent__partner=organisation_of(u))
        .exclude(volunteer__email__startswith="cohorte-")
        .first()
    )
    document = shared_documents(placement).first() if placement else None
    return [{"pk": placement.pk, "document_pk": document.pk}] if document else []


PARTNER = {
    **SIGNED_IN,
    "partners:home": page(),
    "partners:contingent": page(partner_contingents),
    "partners:placement": page(partner_placements),
    "partners:readiness": page(partner_contingents),
    "partners:placement_document": download(partner_document),
    "partners:placement_document_preview": download(partner_document),
    "partners:incoming": page(),
    "partners:incoming_add": page(),
    "partners:incoming_edit": page(
        lambda d, u: pks(
            IncomingVolunteer.objects.filter(partner=organisation_of(u), status="declared")
        )
    ),
    "partners:missions": page(),
    "partners:mission_add": page(),
    "partners:mission_edit": page(
        lambda d, u: pks(Mission.objects.filter(partner=organisation_of(u), status="draft"))
    ),
    "partners:members": page(),
    "partners:reciprocity": page(),
    # France Volontaires' keys (one active, one revoked) and webhook deliveries (sent, failed).
    "partners:integrations": page(),
}

# URL names of the spaces that are not visited, each with its reason. "POST only" is checked:
# each must answer 405 to a GET from a role that may post to it.
POST_ONLY = "POST only (answers 405 to GET)"
SKIP = {
    **dict.fromkeys(
        [
            "staff:application_review",
            "staff:application_start_review",
            "staff:application_shortlist",
            "staff:application_waitlist",
            "staff:application_reject",
            "staff:application_return",
            "staff:experience_verify",
            "staff:experience_reject",
            "staff:document_verify",
            "staff:document_reject",
            "staff:call_recheck",
            "staff:mission_publish",
            "staff:mission_return",
            "staff:mission_close",
            "staff:contingent_add",
            "staff:contingent_send",
            "staff:placement_remove",
            "staff:mobility_verify",
            "staff:mobility_refuse",
            "staff:mobility_not_applicable",
            "staff:mobility_reopen",
            "staff:placement_departure",
            "staff:placement_arrival",
            "staff:placement_return",
            "staff:placement_extend",
            "staff:placement_withdraw",
            "staff:placement_correct",
            "staff:incoming_validate",
            "staff:outbox_retry",
            "staff:committee_member_add",
            "staff:committee_attendance",
            "staff:committee_close",
            "staff:committee_mark",
            "staff:committee_decide",
            "staff:committee_clear",
            "staff:committee_remove",
            "committee:mark",
            "staff:certificate_revoke",
            "volunteers:experience_attestation",
            "volunteers:experience_remind",
            "partners:mobility_item",
            "partners:placement_confirm",
            "partners:placement_decline",
            "partners:placement_departure",
            "partners:placement_arrival",
            "partners:placement_return",
            "partners:placement_correct",
            "partners:placement_interrupt",
            "partners:placement_report_midterm",
            "partners:placement_report_final",
            "partners:incoming_arrived",
            "partners:incoming_completed",
            "partners:incoming_interrupted",
            "staff:host_verify",
            "partners:token_create",
            "partners:token_revoke",
            "partners:endpoint_create",
            "partners:endpoint_remove",
            "partners:deliveries_retry",
            "volunteers:apply",
            "volunteers:mobility_item",
            "volunteers:workshop_yes",
            "volunteers:workshop_no",
            "notifications:read",
            "notifications:read_all",
            "preferences:phone_confirm",
            "preferences:phone_forget",
        ],
        POST_ONLY,
    ),
    "partners:placement_report_midterm_file": "download of a report the demo has not got "
    "(a report is filed once the volunteer is away; no demo placement is)",
    "partners:placement_report_final_file": "download of a report the demo has not got "
    "(a report is filed once the volunteer is away; no demo placement is)",
}


# French labels that several codes share with the same meaning: one English label is right.
SAME_MEANING = {
    "le ou la volontaire": "who acts (Actor.owner) and who provides a piece (ItemOwner.volunteer)",
    "le partenaire": "who acts (Actor.coordinator) and who provides a piece (ItemOwner.partner)",
    "Terminé": "a finished contingent and a finished re-check of a call",
}
NEW_PASSWORD = "Un-mot-de-passe-2026!"


@dataclass
class Role:
    name: str
    email: str | Callable[[], str] | None  # or found in the demo data, by a state
    tables: list[dict]
    languages: tuple[str, ...] = ("fr", "en")
    invited: bool = False  # staff and partners: their invitation link, TOTP and password
    check_invitation: bool = False  # the invitation page itself is checked before it is used
    signs_up: bool = False  # a new volunteer: the sign-up form, the e-mail's link, the login

    def address(self) -> str | None:
        return self.email() if callable(self.email) else self.email

    def targets(self, demo, user):
        table = {}
        for part in self.tables:
            table.update(part)
        for name, (kind, arguments) in table.items():
            for entry in arguments(demo, user):
                label, kwargs = entry if isinstance(entry, tuple) else (None, entry)
                yield name, kind, label, kwargs


def volunteer_whose_application_is(status) -> Callable[[], str]:
    def find():
        application = Application.objects.filter(status=status).order_by("pk").first()
        assert application, f"the demo has no application {status}"
        return application.volunteer.email

    return find


# The volunteers are chosen by the state of their file, so that each state's pages are seen.
ROLES = [
    Role("visitor", None, [VISITOR]),
    Role("host", None, [HOST]),
    Role("committee-outside", None, [OUTSIDE]),
    Role("referee", None, [REFEREE]),
    Role("follow-up-link", None, [FOLLOW_UP], ("fr",)),
    # Back from Dakar: her certificate to download (Afiwa).
    Role("volunteer-back", "afiwa@volontaire.demo", [VOLUNTEER], ("fr",)),
    # Selected for Marseille, her mobility file half done (Akouvi).
    Role("volunteer-selected", "akouvi@volontaire.demo", [PUBLIC, VOLUNTEER]),
    # An application returned for correction: its three steps are open again.
    Role(
        "volunteer-returned",
        volunteer_whose_application_is(ApplicationStatus.RETURNED_FOR_CORRECTION),
        [VOLUNTEER],
        ("fr",),
    ),
    # Just signed up: no profile yet, every list empty (her address is long, as some are).
    Role(
        "volunteer-new",
        "akossiwa.agbodjan-amouzou@volontaire.demo",
        [VOLUNTEER],
        ("fr",),
        signs_up=True,
    ),
    # A profile half done and no application; he reads the portal in English (Kossi).
    Role("volunteer-draft", "kossi@volontaire.demo", [PUBLIC, VOLUNTEER], ("en",)),
    # Proposed to France Volontaires, waiting for its answer (Sena).
    Role("volunteer-proposed", "sena@volontaire.demo", [VOLUNTEER], ("fr",)),
    Role("reviewer", "reviewer@anvt.demo", [STAFF], ("fr",), invited=True),
    Role("manager", "manager@anvt.demo", [MANAGER], invited=True, check_invitation=True),
    Role("partner-fv", "coordinator@france-volontaires.demo", [PARTNER], invited=True),
    # The host structure in Lomé: incoming volunteers and its own offers, no contingent.
    Role("partner-lome", "coordinator@lome-solidarite.demo", [PARTNER], ("fr",), invited=True),
]
# For each space, the role whose GET proves a POST-only URL answers 405.
POSTER = {
    "staff": "manager",
    "partners": "partner-fv",
    "volunteers": "volunteer-selected",
    "notifications": "volunteer-selected",
    "preferences": "volunteer-selected",
    "committee": "committee-outside",
}


# The demo ---------------------------------------------------------------------------------------


def complete_the_demo() -> SimpleNamespace:
    """The four objects the seed lacks (see the module's docstring), then what the tables read."""
    User = get_user_model()
    manager = User.objects.get(email="manager@anvt.demo")
    lome_coordinator = User.objects.get(email="coordinator@lome-solidarite.demo")
    lome = PartnerOrganisation.objects.get(name="Association Lomé Solidarité")
    call = Call.objects.get(title=CALL_TITLE)
    today = timezone.localdate()
    draft_offer = services.save_mission(
        None,
        actor=lome_coordinator,
        values={
            "title": "Reboisement et jardins scolaires à Sokodé",
            "description": "Planter, entretenir et animer des jardins avec les écoles du quartier.",
            "theme": Theme.objects.get(slug="ecologie"),
            "direction": Direction.INCOMING,
            "partner": lome,
            "country": "TG",
            "city": "Sokodé",
            "start_date": today + timedelta(days=200),
            "end_date": today + timedelta(days=470),
            "seats": 2,
        },
        languages=[("fr", "B1")],
    )
    services.save_incoming(
        None,
        actor=lome_coordinator,
        organisation=lome,
        values={
            "first_name": "Lukas",
            "last_name": "Schmidt",
            "nationality": "DE",
            "birth_date": date(2002, 3, 14),
            "passport_number": "C4F8R2K91",
            "sending_organisation": "Internationaler Jugendaustausch",
            "host_structure": lome,
            "region": "grand_lome",
            "theme": Theme.objects.get(slug="sante"),
            "arrival_date": today + timedelta(days=40),
            "departure_date": today + timedelta(days=300),
            "emergency_contact_name": "Anna Schmidt",
            "emergency_contact_phone": "+4915112345678",
        },
    )
    batch = checking.start_batch(call, requested_by=manager)
    akouvi = User.objects.get(email="akouvi@volontaire.demo")
    experience = akouvi.experiences.order_by("pk").first()
    experience.proof.save("attestation.pdf", ContentFile(PDF), save=True)
    kodjo_placement = Placement.objects.get(
        volunteer__email="kodjo@volontaire.demo", status=PlacementStatus.HOST_PENDING
    )
    open_session = CommitteeSession.objects.get(status="open")
    outside = open_session.members.get(user__isnull=True)
    return SimpleNamespace(
        call=call,
        batch=batch,
        draft_offer=draft_offer,
        outgoing=Mission.objects.filter(
            direction=Direction.OUTGOING, status=MissionStatus.PUBLISHED
        ).order_by("pk")[0],
        incoming=Mission.objects.filter(
            direction=Direction.INCOMING, status=MissionStatus.PUBLISHED
        ).order_by("pk")[0],
        contingent=Contingent.objects.get(name=CONTINGENT_NAME),
        akouvi_application=Application.objects.get(volunteer=akouvi),
        akouvi_placement=Placement.objects.get(volunteer=akouvi),
        sena="sena@volontaire.demo",
        workshop=Workshop.objects.get(),
        checklist_item=ChecklistItem.objects.order_by("pk").first(),
        unsubscribe_token=dumps([akouvi.pk, "applications"], salt=UNSUBSCRIBE_SALT),
        host_link=resolve(hostlinks.link_path(kodjo_placement)).kwargs,
        open_session=open_session,
        certificate_code=Certificate.objects.get().code,
        attestation_token=resolve(
            attestations.link_path(AttestationRequest.objects.get(answered_at__isnull=True))
        ).kwargs["token"],
        follow_up_token=followup.token_of(FollowUp.objects.get()),
        outside_token=links.token_of(outside),
        outside_file=Declaration.objects.filter(member=outside, conflict=False)
        .order_by("application_id")
        .values_list("application_id", flat=True)
        .first(),
    )


# The browser ------------------------------------------------------------------------------------


@pytest.fixture
def phone_context(browser):
    """A context at phone size that ignores the portal's Content-Security-Policy: axe-core is
    injected as an inline script (page.add_script_tag), which script-src 'self' forbids."""
    opened = []

    def new(locale="fr-FR"):
        context = browser.new_context(locale=locale, viewport=PHONE, bypass_csp=True)
        context.set_default_timeout(20_000)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


@pytest.fixture
def server_errors():
    """The exception behind each 500 of the live server, by path."""
    errors = {}

    def record(sender, request=None, **kwargs):
        kind, error, _traceback = sys.exc_info()
        if request is not None and kind is not None:
            errors[request.path] = f"{kind.__name__}: {str(error)[:200]}"

    got_request_exception.connect(record, weak=False)
    yield errors
    got_request_exception.disconnect(record)


# The crawl --------------------------------------------------------------------------------------


class Crawl:
    def __init__(self, url, screenshots, server_errors):
        self.url = url
        self.server_errors = server_errors
        self.folder = screenshots / "pages"
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.report = pages.Report()
        self.catalogue = pages.Catalogue.load()
        self.codes = pages.stored_codes()
        self.candidates = {
            "fr": pages.raw_code_candidates(self.codes, self.catalogue.french_words),
            "en": pages.raw_code_candidates(self.codes, self.catalogue.english_words),
        }
        self.seen = {}  # URL name -> how it answered ("page", "download", "redirect")
        self.tried = set()  # URL names requested, whatever they answered
        self.time = Counter()  # seconds spent, by step
        self.stored = self.stored_messages()
        self.typed = self.typed_texts()
        self.judged = set()  # the signatures of the pages axe-core has judged
        self.axe_skipped = 0

    @staticmethod
    def typed_texts():
        """What people typed (a refusal's reason, a motivation, a mission's title): content, in
        the language its author wrote it, whatever the page's. Fields kept in both languages
        (name_fr / name_en, label_fr / label_en) are not: a page shows the one of its language.
        Messages are left to stored_messages()."""
        texts = set()
        for model in apps.get_models():
            if Path(model._meta.app_config.path).parent != settings.BASE_DIR:
                continue  # third-party
            if model is Notification:
                continue
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
                and not field.choices
                and not field.name.endswith(("_fr", "_en"))
            ]
            for row in model.objects.values_list(*fields) if fields else ():
                texts.update(value for value in row if value and " " in value.strip())
        return sorted(texts, key=len, reverse=True)

    @staticmethod
    def stored_messages():
        """Messages are written once, in their recipient's language, and kept: on a page of the
        other language (a French account reading in English, the outbox listing everyone's)
        they are content, not interface. Each text is also cut as the outbox cuts it."""
        stored = {}
        for language in ("fr", "en"):
            texts = set()
            rows = Notification.objects.exclude(language=language)
            for row in rows.values("subject", "summary", "action_label"):
                texts.update(t for text in row.values() if text for t in (text, text[:59]))
            stored[language] = sorted(texts, key=len, reverse=True)
        return stored

    @contextmanager
    def timed(self, step):
        started = time.monotonic()
        yield
        self.time[step] += time.monotonic() - started

    def shot_name(self, role, name, label, language):
        parts = [role, name.replace(":", "-"), label, language if language != "fr" else None]
        return "-".join(str(part) for part in parts if part)

    def where(self, role, language, name, label, path):
        return f"{role} · {language} · {name}{f' ({label})' if label else ''}  {path}"

    def page(self, page, role, name, label, path, language, axe=True):
        where = self.where(role, language, name, label, path)
        self.tried.add(name)
        with self.timed("goto"):
            response = page.goto(self.url + path)
        redirected = response.request.redirected_from is not None
        if response.status != 200 or redirected:
            line = f"answered {response.status}" + (f", then {page.url}" if redirected else "")
            if path in self.server_errors:
                line += f": {self.server_errors[path]}"
            key = f"{name}: {response.status}{' (redirect)' if redirected else ''}"
            self.report.add("http", where, [line], [key])
            return
        self.seen.setdefault(name, "page")
        self.report.visits[(role, language)] += 1
        if SCREENSHOTS:
            with self.timed("screenshot"):
                shot = self.folder / f"{self.shot_name(role, name, label, language)}.png"
                page.screenshot(path=shot, full_page=True)
        with self.timed("layout"):
            layout = page.evaluate(pages.LAYOUT_JS)
        self.overflow(where, layout["overflow"])
        if layout["failures"]:
            lines = [
                f'{f["size"]:>7}  {f["element"]} "{f["text"]}" — {f["near"]}'
                for f in layout["failures"]
            ]
            keys = [f"{f['component']} ({f['size']})" for f in layout["failures"]]
            self.report.add("targets", where, lines, keys)
        for target in layout["under44"]:
            key = f"{target['component']} ({target['size']})"
            self.report.info["targets under 44x44 px (2.5.5, AAA)"][key].add(where)
        with self.timed("axe"):
            # axe-core judges structure, names and colours: the role's first language covers
            # them, and a page built as one already judged gets the same verdict.
            signature = page.evaluate(pages.SIGNATURE_JS) if axe else None
            if signature is None or signature in self.judged:
                self.axe_skipped += 1
            else:
                self.judged.add(signature)
                page.add_script_tag(path=str(pages.AXE))
                self.axe(where, page.evaluate(pages.AXE_JS))
        with self.timed("text"):
            text = page.evaluate(pages.TEXT_JS)
        readable = "\n".join([text["text"], text["title"], *text["attributes"]])
        for content in (*self.stored[language], *self.typed):
            readable = readable.replace(content, " ")
        foreign = self.catalogue.foreign(readable, language)
        if foreign:
            self.report.add("untranslated", where, [f'"{s}"' for s in foreign], foreign)
        codes = pages.raw_codes_in(text["text"], self.candidates[language])
        if codes:
            self.report.add("raw codes", where, codes, codes)

    def overflow(self, where, overflow):
        lines, keys = [], []
        extra = overflow["scrollWidth"] - overflow["innerWidth"]
        if extra > 0:
            lines.append(f"the page is {overflow['scrollWidth']} px wide: {extra} px too wide")
            for offender in overflow["offenders"]:
                edge = "its text runs to" if offender.get("spills") else "right edge at"
                line = f"  {offender['element']} → {edge} {offender['right']} px"
                if offender["text"]:
                    line += f' "{offender["text"]}"'
                if offender["culprit"]:
                    line += f'; widest inside: {offender["culprit"]} "{offender["culpritText"]}"'
                lines.append(line)
                keys.append(f"page wider: {offender['component']}")
        for region in overflow["regions"]:
            verb = "scrolls sideways" if region["scrolls"] else "cuts its content"
            line = (
                f"{region['element']} {verb}: {region['extra']} px more than its "
                f"{region['width']} px"
            )
            if region["culprit"]:
                line += f'; widest inside: {region["culprit"]} "{region["culpritText"]}"'
            lines.append(line)
            keys.append(f"{verb}: {region['component']}")
        if lines:
            self.report.add("overflow", where, lines, keys)

    def axe(self, where, violations):
        lines = []
        for v in violations:
            lines.append(f"{v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}")
            for node in v["nodes"]:
                why = f"  — {node['summary']}" if node["summary"] else ""
                lines.append(f"    {node['target']}  {node['html']}{why}")
        if lines:
            keys = [f"{v['id']}: {v['help']}" for v in violations]
            self.report.add("axe", where, lines, keys)

    def download(self, context, role, name, label, path, language):
        where = self.where(role, language, name, label, path)
        self.tried.add(name)
        response = context.request.get(self.url + path, max_redirects=0)
        kind = response.headers.get("content-type", "")
        disposition = response.headers.get("content-disposition", "")
        if response.status != 200 or kind.startswith("text/html"):
            line = f"answered {response.status} {kind}"
            if path in self.server_errors:
                line += f": {self.server_errors[path]}"
            self.report.add("downloads", where, [line], [name])
            return
        self.seen.setdefault(name, "download")
        self.report.downloads.append(f"{where}: {kind}; {disposition or 'inline'}")
        if "csv" in kind:
            body = response.body().decode("utf-8-sig", errors="replace")
            codes = pages.raw_codes_in_csv(body, self.codes)
            if codes:
                self.report.add("raw codes", f"{where}  (spreadsheet)", codes, codes)

    def redirect(self, context, role, name, label, path, language):
        self.tried.add(name)
        response = context.request.get(self.url + path, max_redirects=0)
        if response.status in (301, 302, 303):
            self.seen.setdefault(name, "redirect")
        else:
            where = self.where(role, language, name, label, path)
            self.report.add("http", where, [f"answered {response.status}, not a redirect"])

    def post_only(self, context, role, names):
        """A GET of each POST-only URL answers 405: its role's decorator, then require_POST,
        whatever the id."""
        patterns = pages.url_names()
        for name in names:
            self.tried.add(name)
            converters = patterns[name].pattern.converters
            kwargs = {
                key: 1 if type(converter).__name__ == "IntConverter" else "x"
                for key, converter in converters.items()
            }
            path = reverse(name, kwargs=kwargs)
            response = context.request.get(self.url + path, max_redirects=0)
            if response.status != 405:
                self.report.add(
                    "coverage",
                    self.where(role, "fr", name, None, path),
                    [f"in SKIP as POST only, but GET answered {response.status}"],
                    [name],
                )

    def shared_labels(self):
        for (french, english), codes in pages.shared_labels().items():
            if french not in SAME_MEANING:
                self.report.add(
                    "shared labels",
                    f'"{french}" → "{english}"',
                    [
                        f"for {', '.join(codes)}: give each its context (pgettext) or add the "
                        "label to SAME_MEANING"
                    ],
                    [french],
                )


def sign_in(page, url, role, email):
    if role.signs_up:
        sign_up(page, url, email, NEW_PASSWORD)
    elif role.invited:
        accept_invitation(page, url, email)
    elif email:
        log_in(page, url, email)


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_at_phone_size(
    live_server, phone_context, screenshots, server_errors
):
    started = time.monotonic()
    po, mo = pages.PO_EN, pages.PO_EN.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
        "the English catalogue is not compiled: make messages"
    )
    call_command("seed_demo", stdout=io.StringIO())
    demo = complete_the_demo()
    url = live_server.url
    crawl = Crawl(url, screenshots, server_errors)
    User = get_user_model()

    for role in ROLES:
        email = role.address()
        context = phone_context("en-US" if role.languages[0] == "en" else "fr-FR")
        context.add_cookies([{"name": "django_language", "value": "fr", "url": url}])
        page = context.new_page()
        if role.check_invitation:
            user = User.objects.get(email=email)
            path = invitation_link(user).removeprefix(settings.SITE_URL)
            crawl.page(page, role.name, "invitation", None, path, "fr")
        sign_in(page, url, role, email)
        user = User.objects.get(email=email) if email else None
        if email:
            crawl.report.notes.append(f"{role.name}: {email}")
        targets = list(role.targets(demo, user))
        for language in role.languages:
            context.add_cookies([{"name": "django_language", "value": language, "url": url}])
            for name, kind, label, kwargs in targets:
                path = reverse(name, kwargs=kwargs)
                if kind == "page":
                    axe = language == role.languages[0]
                    crawl.page(page, role.name, name, label, path, language, axe)
                elif language == role.languages[0]:
                    getattr(crawl, kind)(context, role.name, name, label, path, language)
        posted = [
            name
            for name, reason in SKIP.items()
            if reason == POST_ONLY and POSTER[name.split(":")[0]] == role.name
        ]
        crawl.post_only(context, role.name, posted)
        context.close()
    crawl.shared_labels()

    # Every URL name of the spaces: visited, or skipped with a reason.
    names = pages.space_names()
    for name in names:
        if name not in crawl.tried and name not in SKIP:
            crawl.report.add("coverage", name, ["neither visited nor in SKIP"], [name])
    for name in SKIP:
        if name not in names:
            crawl.report.add("coverage", name, ["in SKIP but not a URL name any more"], [name])

    crawl.report.notes += [
        f"skipped: {name} — {reason}" for name, reason in SKIP.items() if reason != POST_ONLY
    ]
    crawl.report.notes.append(
        f"skipped as POST only (405 checked): {sum(r == POST_ONLY for r in SKIP.values())} URLs"
    )
    crawl.report.notes.append(
        "time by step: " + ", ".join(f"{step} {sec:.0f} s" for step, sec in crawl.time.items())
    )
    crawl.report.notes.append(
        f"axe-core ran on {len(crawl.judged)} pages; not on {crawl.axe_skipped} others: second "
        "language, or the structure of a page it had judged"
    )
    text = crawl.report.text(time.monotonic() - started)
    (screenshots / "every-page-report.txt").write_text(text, encoding="utf-8")
    if crawl.report.findings:
        pytest.fail(text, pytrace=False)


# The checks themselves ---------------------------------------------------------------------------

KNOWN_DEFECTS = """<!doctype html>
<html lang="fr"><head><meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0 8px; font: 16px/1.5 sans-serif; }
  .table-scroll { overflow-x: auto; }
  table { width: 700px; }
  .skip-link { position: absolute; left: -999px; }
  input[type=file], form button { display: block; width: 100%; margin: 0; height: 21px; }
</style></head>
<body>
  <a class="skip-link" href="#main">Aller au contenu</a>
  <h1>Bonjour akossiwa.agbodjan-amouzou@volontaire.demo</h1>
  <div class="table-scroll"><table><tr><td>Région</td><td>grand_lome</td></tr></table></div>
  <form><input type="file" name="file"><button>Envoyer</button></form>
  <p>Lisez <a href="/conditions/">les conditions</a> avant de candidater au programme.</p>
  <p>Fichier : motivation_letter.pdf, écrit à jeunesse@mairie-lille.demo</p>
  <details><summary>Mon compte</summary><a href="/a/">A</a> <a href="/b/">B</a></details>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</body></html>"""


def test_the_checks_find_known_defects(browser):
    """The crawl's checks on a page holding one defect of each kind, and what they must let
    pass: the skip link, a link in a sentence, a closed menu, a file name, an e-mail address."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_content(KNOWN_DEFECTS)
    layout = page.evaluate(pages.LAYOUT_JS)
    overflow = layout["overflow"]
    assert overflow["scrollWidth"] > overflow["innerWidth"]
    assert [o["element"] for o in overflow["offenders"]] == ["h1"]
    assert [(r["element"], r["scrolls"]) for r in overflow["regions"]] == [
        ("div.table-scroll", True)
    ]
    failing = {f["element"]: f for f in layout["failures"]}
    assert set(failing) == {"form > input[type=file]", "form > button"}
    assert failing["form > input[type=file]"]["near"].startswith('button "Envoyer"')
    page.add_script_tag(path=str(pages.AXE))
    assert "image-alt" in {v["id"] for v in page.evaluate(pages.AXE_JS)}
    text = page.evaluate(pages.TEXT_JS)["text"]
    assert "Mon compte" in text and "B" in text.split()  # menus are read open
    codes = pages.stored_codes()
    candidates = pages.raw_code_candidates(codes, pages.Catalogue.load().french_words)
    assert pages.raw_codes_in(text, candidates) == ["grand_lome (Region.GRAND_LOME)"]
    catalogue = pages.Catalogue.load()
    french = catalogue.french_only[0]
    assert catalogue.foreign(f"Title\n{french}\nMore", "en") == [french]
    assert catalogue.foreign(f"Titre\n{french}\nSuite", "fr") == []
    context.close()
