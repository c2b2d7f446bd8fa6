"""A selection committee's whole session in Chromium at phone size (issue 19): a programme manager
opens a session for a call with six eligible applicants, with a staff reviewer and a member from
outside ANVT invited by e-mail (a personal link, no account). Each member declares their
conflicts of interest (the reviewer one), then marks the files open to them on the call's grid;
the manager records attendance, sets the call's balance targets, decides for all six and closes
the session. The decisions reach the applications (in the session's name in the audit trail), the
outside link stops working, and the minutes' PDF holds every member, decision and reason, with the
SHA-256 the session page shows."""

import hashlib
import io
import re
from datetime import timedelta

import pypdf
import pypdfium2
import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP
from audit.models import StatusChange
from missions.models import Application
from selection.enums import DecisionReason
from selection.models import CommitteeMember, CommitteeSession, Declaration, Mark
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import log_in, totp_code, wait_until
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MissionFactory,
    UserFactory,
    complete_volunteer,
)

CALL = "VIR 2027 — Bénin — Service Civique"
SESSION = "Comité de sélection VIR 2027 — Bénin"
OUTSIDE = ("Jeanne Lawson", "jeanne.lawson@france-volontaires.example", "France Volontaires")

# (first name, last name, gender, region, nationality status)
PEOPLE = [
    ("Ama", "Agbodjan", "female", "maritime", "togolese_resident"),
    ("Kossi", "Mensah", "male", "kara", "togolese_resident"),
    ("Yawa", "Dogbe", "female", "savanes", "togolese_diaspora"),
    ("Koffi", "Amegah", "male", "plateaux", "togolese_resident"),
    ("Afiwa", "Tchalla", "female", "centrale", "togolese_diaspora"),
    ("Edem", "Kpodar", "male", "grand_lome", "togolese_resident"),
]
# Each applicant's decision: outcome, waiting rank, reason, comment.
DECISIONS = {
    "Ama Agbodjan": ("selected", None, "strong_file", "Projet de tri sélectif très concret."),
    "Yawa Dogbe": ("selected", None, "balance", ""),
    "Kossi Mensah": ("selected", None, "mission_fit", ""),
    "Afiwa Tchalla": ("waitlisted", 1, "seats", "Première appelée si une place se libère."),
    "Koffi Amegah": ("not_selected", None, "below_threshold", ""),
    "Edem Kpodar": ("not_selected", None, "language", "Français écrit à consolider."),
}
TARGET_STATUS = {"selected": "shortlisted", "waitlisted": "waitlisted", "not_selected": "rejected"}
# The marks each member gives (motivation, experience, skills, languages: each out of 5).
MARKS = {
    "Ama Agbodjan": (5, 4, 5, 4),
    "Yawa Dogbe": (4, 4, 4, 4),
    "Kossi Mensah": (4, 3, 4, 4),
    "Afiwa Tchalla": (4, 3, 3, 4),
    "Koffi Amegah": (3, 3, 3, 2),
    "Edem Kpodar": (3, 2, 3, 2),
}
CONFLICT = "Koffi Amegah"  # the reviewer's cousin


def staff(name, email, group):
    """A staff account with its password and its authenticator's secret (known to the test)."""
    user = UserFactory(name=name, email=email)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def sign_in_with_totp(page, url, email, secret):
    """Password, then the authenticator's code on the two-factor page."""
    log_in(page, url, email, PASSWORD)
    expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile("/equipe/"))


def declare_no_conflict(page, conflict=None):
    """From the member's session page: the declarations, nothing ticked in advance; "Aucun
    conflit" ticked for everyone but `conflict` (a function that fills that applicant's card)."""
    page.get_by_role("link", name="Mes déclarations").click()
    expect(page.get_by_role("heading", name="Déclarations d'intérêts", level=1)).to_be_visible()
    expect(page.get_by_role("radio", checked=True)).to_have_count(0)
    for card in page.locator("fieldset.declaration").all():
        if conflict and conflict(card):
            continue
        card.get_by_role("radio", name="Aucun conflit").check()
        # Nature and details are for a conflict: hidden once "no conflict" is ticked.
        expect(card.get_by_label("Nature du lien")).to_be_hidden()
    page.get_by_role("button", name="Enregistrer mes déclarations").click()
    expect(page.get_by_text("Déclarations enregistrées.")).to_be_visible()


def mark_files(page, names, shoot_first=None):
    """From the member's session page, each file in turn: the grid's radio buttons, saved."""
    for index, name in enumerate(names):
        page.locator("section.card", has_text="Votre part").get_by_role(
            "link", name=name, exact=True
        ).click()
        expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
        if index == 0 and shoot_first:
            shoot_first(page)
        for key, value in zip(
            ("motivation", "experience", "skills", "languages"), MARKS[name], strict=True
        ):
            page.locator(f"input[name='{key}'][value='{value}']").check()
        page.get_by_role("button", name="Enregistrer ma note").click()
        expect(page.get_by_text("Note enregistrée.")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_committee_session_from_opening_to_signed_minutes(
    live_server, page, browser, shoot, screenshots
):
    url = live_server.url
    mission = MissionFactory(title="Tri des déchets à Cotonou", country="BJ", city="Cotonou")
    call = CallFactory(title=CALL, missions=[mission])
    applications = {}
    for first, last, gender, region, status in PEOPLE:
        volunteer = complete_volunteer(
            first_name=first,
            last_name=last,
            gender=gender,
            region=region,
            nationality_status=status,
        )
        applications[f"{first} {last}"] = ApplicationFactory(
            call=call, volunteer=volunteer, status="eligible"
        )
    manager, manager_secret = staff(
        "Afi Mensah", "afi.mensah@anvt.example", PROGRAMME_MANAGERS_GROUP
    )
    reviewer, reviewer_secret = staff(
        "Komlan Agbeko", "komlan.agbeko@anvt.example", REVIEWERS_GROUP
    )
    names = list(applications)
    page.set_default_timeout(15_000)

    def phone():
        context = browser.new_context(locale="fr-FR", viewport=PHONE)
        context.set_default_timeout(15_000)
        return context.new_page()

    # The manager opens the session from the call's list: the call chosen, two staff members.
    sign_in_with_totp(page, url, manager.email, manager_secret)
    page.goto(f"{url}/equipe/appels/")
    page.locator("tr", has_text=CALL).get_by_role("link", name="Comité").click()
    expect(page.get_by_role("heading", name="Nouvelle séance du comité")).to_be_visible()
    expect(page.locator("#id_call")).to_have_value(str(call.pk))  # from the call's row
    page.locator("#id_title").fill(SESSION)
    # An hour ago: a session closes once it has sat.
    held_at = timezone.localtime() - timedelta(hours=1)
    page.locator("#id_held_at").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").fill("Lomé, siège de l'ANVT")
    page.locator("#id_quorum").fill("3")
    page.get_by_role("checkbox", name="Afi Mensah").check()
    page.get_by_role("checkbox", name="Komlan Agbeko").check()
    page.locator("#id_chair").select_option(label="Afi Mensah")
    page.get_by_role("button", name="Ouvrir la séance").click()
    expect(
        page.get_by_text("Séance ouverte : ses membres de l'ANVT sont prévenu·e·s.")
    ).to_be_visible()
    session = CommitteeSession.objects.get(title=SESSION)
    assert session.applications.count() == 6
    session_url = f"{url}{reverse('staff:committee', args=[session.pk])}"

    # She invites the outside member through the form of the session page.
    members = page.locator("#members")
    name, email, quality = OUTSIDE
    members.get_by_role("textbox", name="Nom", exact=True).fill(name)
    members.get_by_role("textbox", name="E-mail").fill(email)
    members.get_by_role("textbox", name="Qualité").fill(quality)
    members.get_by_role("button", name="Inviter").click()
    expect(page.get_by_text("Membre invité·e : son lien est envoyé.")).to_be_visible()
    wait_until(lambda: any(m.to == [email] for m in mail.outbox))
    invitation = next(m for m in mail.outbox if m.to == [email])
    link = re.search(r"https?://[^/\s]+(/comite/\S+/)", invitation.body).group(1)
    assert CommitteeMember.objects.filter(session=session).count() == 3

    # The outside member, without an account, opens the e-mailed link in her own browser.
    outside = phone()
    response = outside.goto(f"{url}{link}")
    assert response.status == 200
    expect(outside.get_by_role("heading", name=SESSION, level=1)).to_be_visible()
    expect(outside.locator("main")).to_contain_text("à déclarer")
    expect(outside.get_by_role("link", name="Comités")).to_have_count(0)  # no staff menu
    shoot("committee-outside-home", outside)
    declare_no_conflict(outside)
    mark_files(outside, names)

    # The reviewer declares one conflict: that file stays closed to him, the others he marks.
    reviewer_page = phone()
    sign_in_with_totp(reviewer_page, url, reviewer.email, reviewer_secret)
    reviewer_page.goto(session_url)

    def cousin(card):
        if CONFLICT not in card.locator("legend").inner_text():
            return False
        card.get_by_label("Conflit d'intérêts", exact=True).check()
        card.get_by_label("Nature du lien").select_option("family")
        card.get_by_label("Précision").fill("Cousin germain")
        shoot("committee-declarations", reviewer_page)
        return True

    declare_no_conflict(reviewer_page, conflict=cousin)
    expect(reviewer_page.locator("main")).to_contain_text(
        f"{CONFLICT} — conflit déclaré : ni lecture ni note"
    )
    conflict_file = reverse("staff:committee_file", args=[session.pk, applications[CONFLICT].pk])
    reviewer_page.goto(f"{url}{conflict_file}")
    expect(reviewer_page).to_have_url(session_url)
    expect(
        reviewer_page.get_by_text(
            "Vous avez déclaré un conflit d'intérêts avec cette candidature : vous ne pouvez "
            "ni ouvrir son dossier ni la noter."
        )
    ).to_be_visible()
    expect(reviewer_page.get_by_role("heading", name=CONFLICT)).to_have_count(0)
    mark_files(reviewer_page, [n for n in names if n != CONFLICT])

    # The manager declares and marks too (her first file photographed).
    page.goto(session_url)
    declare_no_conflict(page)
    mark_files(page, names, shoot_first=lambda p: shoot("committee-file"))
    assert Mark.objects.filter(member__session=session).count() == 6 + 5 + 6
    assert Declaration.objects.filter(member__session=session, conflict=True).count() == 1

    # The board: "CI" in the reviewer's column on his cousin's row, for everyone.
    # The board's columns: the applicant, then the members M1, M2… in the session's order.
    order = list(session.members.order_by("-is_chair", "name", "id").values_list("name", flat=True))
    assert order == ["Afi Mensah", name, "Komlan Agbeko"]
    column = order.index("Komlan Agbeko") + 2
    for viewer in (page, reviewer_page):
        viewer.goto(session_url)
        row = viewer.locator("#board tbody tr", has_text=CONFLICT)
        expect(row.locator(f"td:nth-child({column})")).to_have_text("CI")
        expect(viewer.locator("#board tbody td abbr", has_text="CI")).to_have_count(1)

    # Attendance: all three present, the quorum met.
    attendance = page.locator("#members form").first
    for member in order:
        attendance.get_by_label(member).check()
    attendance.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées.")).to_be_visible()
    expect(
        page.get_by_text("3 membres présents pour un quorum de 3 — quorum atteint")
    ).to_be_visible()

    # The call's balance targets, from the link beside the balance panel.
    page.locator("#balance").get_by_role("link", name="Objectifs de l'appel").click()
    expect(page.get_by_role("heading", name="Objectifs d'équilibre")).to_be_visible()
    page.locator("#id_gender__female").fill("50")
    page.locator("#id_gender__male").fill("40")
    page.locator("#id_residence__diaspora").fill("30")
    page.get_by_role("button", name="Enregistrer les objectifs").click()
    expect(page.get_by_text("Objectifs d'équilibre enregistrés.")).to_be_visible()
    assert set(call.balance_targets.values_list("dimension", "value", "share")) == {
        ("gender", "female", 50),
        ("gender", "male", 40),
        ("residence", "diaspora", 30),
    }

    # A decision for each of the six, from each applicant's card under the board.
    page.goto(session_url)
    for applicant, (outcome, rank, reason, comment) in DECISIONS.items():
        pk = applications[applicant].pk
        row = page.locator(f"#decision-{pk}")
        row.locator("details.decide summary").click()
        page.locator(f"#d{pk}-outcome").select_option(outcome)
        if rank:
            page.locator(f"#d{pk}-rank").fill(str(rank))
        page.locator(f"#d{pk}-reason").select_option(reason)
        if comment:
            page.locator(f"#d{pk}-comment").fill(comment)
        save = row.get_by_role("button", name="Enregistrer la décision")
        if applicant == "Ama Agbodjan":
            # What the phone shows of the open panel.
            save.scroll_into_view_if_needed()
            page.screenshot(path=screenshots / "committee-decide.png")
        save.click()
        expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    expect(page.locator("#board")).to_contain_text("Liste d'attente (rang 1)")
    expect(page.locator("#decisions")).to_contain_text("Français écrit à consolider.")

    # The balance panel: three selected, two women (67 %) for 50 %, one from the diaspora.
    balance = page.locator("#balance")
    women = balance.locator("tr", has_text="Femme")
    expect(women).to_contain_text("2")
    expect(women).to_contain_text("67 %")
    expect(women).to_contain_text("atteint")
    diaspora = balance.locator("tr", has_text="Diaspora")
    expect(diaspora).to_contain_text("33 %")
    expect(page.get_by_text("candidature attend encore une décision")).to_have_count(0)
    shoot("committee-session")

    # Closing, confirmed: every decision applied, the minutes signed, the outside link closed.
    page.get_by_text("Clore la séance…").click()
    page.get_by_role("button", name="Clore la séance et signer le procès-verbal").click()
    expect(
        page.get_by_text(
            "Séance close : les décisions sont appliquées et le procès-verbal est enregistré."
        )
    ).to_be_visible()
    session.refresh_from_db()
    assert session.status == "closed" and len(session.minutes_sha256) == 64
    expect(page.locator("code.hash")).to_have_text(session.minutes_sha256)
    shoot("committee-session-closed")

    statuses = dict(Application.objects.filter(call=call).values_list("pk", "status"))
    for applicant, (outcome, _rank, _reason, _comment) in DECISIONS.items():
        assert statuses[applications[applicant].pk] == TARGET_STATUS[outcome], applicant
    for applicant, (outcome, _rank, _reason, comment) in DECISIONS.items():
        moves = StatusChange.objects.filter(object_id=applications[applicant].pk).exclude(
            from_status=""
        )
        final = moves.get(to_status=TARGET_STATUS[outcome])
        assert final.context == session.context_label, applicant
        assert final.actor == manager
        assert str(DecisionReason(DECISIONS[applicant][2]).label) in final.reason
        if comment:
            assert comment in final.reason
        # every step the decision took (eligible → under review → …) names the session
        assert set(moves.values_list("context", flat=True)) == {session.context_label}

    closed = outside.goto(f"{url}{link}")
    assert closed.status == 410
    expect(outside.get_by_text("ce lien ne sert plus")).to_be_visible()

    # The minutes: downloaded with the manager's session, read back, hashed, photographed.
    minutes_url = f"{url}{reverse('staff:committee_minutes', args=[session.pk])}"
    download = page.request.get(minutes_url)
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    data = download.body()
    assert hashlib.sha256(data).hexdigest() == session.minutes_sha256
    text = " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).split()
    )
    for member in ("Afi Mensah", "Komlan Agbeko", name):
        assert member in text, member
    for applicant, (_outcome, _rank, reason, comment) in DECISIONS.items():
        assert applicant in text, applicant
        assert str(DecisionReason(reason).label) in text, reason
        if comment:
            assert comment in text, comment
    for decision in ("Retenu·e", "Liste d'attente (rang 1)", "Non retenu·e"):
        assert decision in text, decision
    assert "Cousin germain" in text  # the conflict, in section 2
    document = pypdfium2.PdfDocument(data)
    document[0].render(scale=1.5).to_pil().save(screenshots / "committee-minutes-page1.png")
    document.close()
