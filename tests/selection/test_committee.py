"""The selection committee (issue 19): the grid, conflicts of interest, quorum, decisions applied
through the transitions, the minutes read back from the PDF, the outside member's link."""

import hashlib
import io
from datetime import date, timedelta

import pypdf
import pypdfium2
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEWERS_GROUP
from anvt.errors import Refused
from audit.models import StatusChange
from missions import services as mission_services
from missions.models import Application, Criterion
from notifications.models import Notification
from selection import links, queries, services
from selection.models import BalanceTarget, CommitteeSession, Decision, Declaration, Mark
from tests.conftest import with_totp
from tests.factories import ApplicationFactory, UserFactory, complete_volunteer

pytestmark = pytest.mark.django_db

GOOD = {"motivation": 5, "experience": 4, "skills": 4, "languages": 4}  # 17/20


def staff_member(name):
    user = with_totp(UserFactory(name=name))
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return user


@pytest.fixture
def applicants(call):
    people = [
        ("Ama", "Agbodjan", "female", "maritime", "togolese_resident"),
        ("Kossi", "Mensah", "male", "kara", "togolese_resident"),
        ("Yawa", "Dogbe", "female", "savanes", "togolese_diaspora"),
        ("Koffi", "Amegah", "male", "plateaux", "togolese_resident"),
    ]
    return [
        ApplicationFactory(
            call=call,
            status="under_review" if n % 2 else "eligible",
            volunteer=complete_volunteer(
                first_name=first,
                last_name=last,
                gender=gender,
                region=region,
                nationality_status=status,
            ),
        )
        for n, (first, last, gender, region, status) in enumerate(people)
    ]


@pytest.fixture
def session(call, manager, applicants):
    chair = staff_member("Edem Kpodar")
    return services.create_session(
        actor=manager,
        call=call,
        title="Comité VIR 2026",
        held_at=timezone.now() - timedelta(hours=2),
        place="Lomé, siège de l'ANVT",
        quorum=2,
        staff=[manager, chair],
        chair=chair,
    )


def seat(session, user):
    return session.members.get(user=user)


def declare_all(member, applicants, *, conflict_with=None):
    for application in applicants:
        if application == conflict_with:
            services.declare(member, application, conflict=True, kind="family", detail="cousine")
        else:
            services.declare(member, application, conflict=False)


# The grid ----------------------------------------------------------------------------------------


def test_a_weighted_grid_scores_out_of_20_and_the_list_sorts_by_it(manager, call, applicants):
    mission_services.save_grid(
        call,
        actor=manager,
        rows=[
            {"name": "Motivation", "weight": 3, "max_score": 10},
            {"name": "Terrain", "description": "Années de terrain", "weight": 1, "max_score": 5},
        ],
    )
    keys = list(Criterion.objects.filter(call=call).values_list("key", flat=True))
    assert keys == ["motivation", "terrain"]
    first, second = applicants[:2]
    reviewer = manager
    review = mission_services.submit_review(
        first,
        reviewer=reviewer,
        scores={"motivation": 10, "terrain": 0},
        comment="",
        recommendation="select",
    )
    # (3×10 + 1×0) / (3×10 + 1×5) × 20 = 17.14
    assert str(review.score) == "17.14"
    mission_services.submit_review(
        second,
        reviewer=reviewer,
        scores={"motivation": 5, "terrain": 5},
        comment="",
        recommendation="select",
    )
    ranked = list(
        Application.objects.filter(pk__in=[first.pk, second.pk])
        .order_by("-review_score")
        .values_list("pk", "review_score")
    )
    assert [pk for pk, _s in ranked] == [first.pk, second.pk]
    assert str(ranked[1][1]) == "11.43"


def test_a_mark_outside_the_grid_is_refused_and_nothing_saved(manager, call, applicants):
    with pytest.raises(Refused, match="va de 0 à 5"):
        mission_services.submit_review(
            applicants[0],
            reviewer=manager,
            scores={**GOOD, "skills": 6},
            comment="",
            recommendation="select",
        )
    with pytest.raises(Refused, match="ne correspondent pas"):
        mission_services.submit_review(
            applicants[0],
            reviewer=manager,
            scores={**GOOD, "charisme": 3},
            comment="",
            recommendation="select",
        )
    assert not applicants[0].reviews.exists()


def test_the_grid_is_fixed_once_marks_exist(manager, manager_client, call, applicants):
    mission_services.submit_review(
        applicants[0], reviewer=manager, scores=GOOD, comment="", recommendation="select"
    )
    with pytest.raises(Refused, match="ne peut plus"):
        mission_services.save_grid(
            call, actor=manager, rows=[{"name": "Tout", "weight": 1, "max_score": 5}]
        )
    page = manager_client.get(reverse("staff:call_grid", args=[call.pk]))
    assert "elle ne peut plus changer" in page.text
    assert not Criterion.objects.filter(call=call, name="Tout").exists()


def test_the_grid_page_saves_a_new_criterion(manager_client, call):
    url = reverse("staff:call_grid", args=[call.pk])
    form = {
        "grid-TOTAL_FORMS": "2",
        "grid-INITIAL_FORMS": "1",
        "grid-MIN_NUM_FORMS": "0",
        "grid-MAX_NUM_FORMS": "12",
        "grid-0-key": "motivation",
        "grid-0-name": "Motivation",
        "grid-0-weight": "2",
        "grid-0-max_score": "5",
        "grid-1-key": "",
        "grid-1-name": "Engagement local",
        "grid-1-weight": "1",
        "grid-1-max_score": "10",
    }
    response = manager_client.post(url, form, follow=True)
    assert "Grille enregistrée." in response.text
    assert list(Criterion.objects.filter(call=call).values_list("name", "weight", "max_score")) == [
        ("Motivation", 2, 5),
        ("Engagement local", 1, 10),
    ]


# Sessions, conflicts, marks ----------------------------------------------------------------------


def test_a_member_with_a_conflict_can_neither_open_nor_mark_and_others_see_why(
    session, manager, applicants, client
):
    chair = session.members.get(is_chair=True)
    declare_all(chair, applicants, conflict_with=applicants[0])
    client.force_login(chair.user)
    file_url = reverse("staff:committee_file", args=[session.pk, applicants[0].pk])
    refused = client.get(file_url, follow=True)
    assert "vous ne pouvez ni ouvrir son dossier ni la noter" in refused.text
    assert "transmettre ce que" not in refused.text
    with pytest.raises(Refused, match="conflit d'intérêts"):
        services.mark(chair, applicants[0], scores=GOOD)
    response = client.post(
        reverse("staff:committee_mark", args=[session.pk, applicants[0].pk]), GOOD, follow=True
    )
    assert "ni la noter" in response.text
    assert not Mark.objects.exists()
    # The others see the missing score and its reason.
    rows = {row.application.pk: row for row in queries.board(session)}
    cell = next(c for c in rows[applicants[0].pk].cells if c.member == chair)
    assert (cell.conflict, cell.score) == (True, None)
    client.force_login(manager)
    page = client.get(reverse("staff:committee", args=[session.pk]))
    assert "Conflit d&#x27;intérêts déclaré" in page.text or "CI" in page.text


def test_a_member_declares_before_reading_and_a_conflict_stays(session, applicants):
    member = session.members.get(is_chair=True)
    with pytest.raises(Refused, match="Déclarez d'abord"):
        services.mark(member, applicants[1], scores=GOOD)
    services.declare(member, applicants[1], conflict=False)
    services.mark(member, applicants[1], scores=GOOD)
    services.declare(member, applicants[1], conflict=True, kind="association", detail="")
    assert not Mark.objects.filter(member=member).exists()  # the mark goes with the conflict
    with pytest.raises(Refused, match="ne se retire pas"):
        services.declare(member, applicants[1], conflict=False)
    assert Declaration.objects.get(member=member, application=applicants[1]).conflict
    with pytest.raises(Refused, match="nature du conflit"):
        services.declare(member, applicants[2], conflict=True)


def test_a_decision_before_quorum_is_refused(session, manager, applicants):
    with pytest.raises(Refused, match="quorum n'est pas atteint"):
        services.decide(
            session, applicants[0], actor=manager, outcome="selected", reason="strong_file"
        )
    assert not Decision.objects.exists()


def _ready(session, manager, applicants):
    services.set_attendance(session, actor=manager, present={m.pk for m in session.members.all()})
    for member in session.members.all():
        declare_all(member, applicants)
        for application in applicants:
            services.mark(member, application, scores=GOOD)


def test_closing_applies_every_decision_in_the_session_name_and_writes_the_minutes(
    session, manager, applicants
):
    _ready(session, manager, applicants)
    BalanceTarget.objects.create(call=session.call, dimension="gender", value="female", share=50)
    ama, kossi, yawa, koffi = applicants
    services.decide(session, ama, actor=manager, outcome="selected", reason="strong_file")
    services.decide(
        session,
        kossi,
        actor=manager,
        outcome="waitlisted",
        rank=1,
        reason="seats",
        comment="Premier sur la liste",
    )
    services.decide(session, yawa, actor=manager, outcome="selected", reason="balance")
    with pytest.raises(Refused, match="Autre motif"):
        services.decide(session, koffi, actor=manager, outcome="not_selected", reason="other")
    with pytest.raises(Refused, match="1 candidature"):
        services.close_session(session, actor=manager)
    services.decide(
        session,
        koffi,
        actor=manager,
        outcome="not_selected",
        reason="other",
        comment="Niveau d'anglais à consolider",
    )
    closed = services.close_session(session, actor=manager)

    statuses = dict(Application.objects.filter(call=session.call).values_list("pk", "status"))
    assert [statuses[a.pk] for a in applicants] == [
        "shortlisted",
        "waitlisted",
        "shortlisted",
        "rejected",
    ]
    moves = StatusChange.objects.filter(object_id=koffi.pk, to_status="rejected").get()
    assert moves.actor == manager and moves.context.startswith(
        f"Comité de sélection n° {closed.pk}"
    )
    assert "Niveau d'anglais" in moves.reason
    # The minutes: stored with their SHA-256, every member, decision and reason in the text.
    with closed.minutes.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == closed.minutes_sha256
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    for member in closed.members.all():
        assert member.name in text
    for expected in (
        "Ama Agbodjan",
        "Kossi Mensah",
        "Yawa Dogbe",
        "Koffi Amegah",
        "Liste d'attente (rang 1)",
        "Non retenu·e",
        "Retenu·e",
        "Dossier solide, parmi les meilleures notes",
        "Places insuffisantes",
        "Niveau d'anglais à consolider",
        "Procès-verbal du comité de sélection",
        "Agence Nationale du Volontariat au Togo",
        "Signature",
    ):
        assert expected in text, expected
    # The volunteers are told once each, the selected without the committee's reason.
    assert (
        Notification.objects.filter(
            user=koffi.volunteer, event="application_status", channel="in_app"
        ).count()
        == 1
    )


def test_a_closed_session_is_read_only(session, manager, applicants):
    _ready(session, manager, applicants)
    for application in applicants:
        services.decide(
            session, application, actor=manager, outcome="selected", reason="strong_file"
        )
    closed = services.close_session(session, actor=manager)
    digest, member = closed.minutes_sha256, closed.members.first()
    for attempt in (
        lambda: services.mark(member, applicants[0], scores=GOOD),
        lambda: services.declare(member, applicants[0], conflict=True, kind="family"),
        lambda: services.decide(
            closed, applicants[0], actor=manager, outcome="not_selected", reason="seats"
        ),
        lambda: services.set_attendance(closed, actor=manager, present=set()),
        lambda: services.close_session(closed, actor=manager),
        lambda: services.set_targets(closed.call, actor=manager, targets={}),
    ):
        with pytest.raises(Refused):
            attempt()
    closed.refresh_from_db()
    assert closed.minutes_sha256 == digest
    assert Decision.objects.filter(outcome="not_selected").count() == 0


def test_a_session_closes_only_with_every_applicant_movable(session, manager, applicants):
    _ready(session, manager, applicants)
    for application in applicants:
        services.decide(
            session, application, actor=manager, outcome="selected", reason="strong_file"
        )
    mission_services.withdraw(applicants[2], actor=applicants[2].volunteer)
    with pytest.raises(Refused, match="Retirez-la de la séance"):
        services.close_session(session, actor=manager)
    session.refresh_from_db()
    assert session.status == "open" and not session.minutes_sha256
    assert Application.objects.filter(status="shortlisted").count() == 0


# The outside member's link -----------------------------------------------------------------------


def test_an_outside_member_reads_declares_and_marks_by_link_until_the_session_closes(
    session, manager, applicants, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = services.add_external_member(
            session,
            actor=manager,
            name="Claire Martin",
            email="claire@fv.example",
            quality="France Volontaires",
        )
    [invitation] = [m for m in mail.outbox if "claire@fv.example" in m.to]
    path = links.home_path(member)
    assert path in invitation.body
    home = client.get(path)
    assert home.status_code == 200 and "Comité VIR 2026" in home.text
    token = path.strip("/").split("/")[-1]
    declarations = reverse("committee:declarations", args=[token])
    form = {f"a{a.pk}-conflict": "no" for a in applicants}
    form |= {f"a{applicants[3].pk}-conflict": "yes", f"a{applicants[3].pk}-kind": "employer"}
    client.post(declarations, form)
    assert Declaration.objects.filter(member=member, conflict=True).count() == 1
    file_page = client.get(reverse("committee:file", args=[token, applicants[0].pk]))
    assert "transmettre ce que" in file_page.text
    client.post(reverse("committee:mark", args=[token, applicants[0].pk]), GOOD)
    assert Mark.objects.get(member=member).score == 17
    # Another applicant's link built by hand, a tampered token: 404.
    assert client.get(reverse("committee:home", args=[token + "x"])).status_code == 404
    # Closed: the link says so and changes nothing.
    _ready(session, manager, applicants[:0])
    services.set_attendance(session, actor=manager, present={m.pk for m in session.members.all()})
    for application in applicants:
        services.decide(
            session, application, actor=manager, outcome="selected", reason="strong_file"
        )
    services.close_session(session, actor=manager)
    after = client.post(reverse("committee:mark", args=[token, applicants[1].pk]), GOOD)
    assert after.status_code == 410 and "ce lien ne sert plus" in after.text
    assert Mark.objects.filter(member=member).count() == 1


def test_a_staff_member_sees_only_their_sessions_and_an_outsider_none(
    session, outside_reviewer, client
):
    client.force_login(outside_reviewer)
    assert client.get(reverse("staff:committee", args=[session.pk])).status_code == 404
    assert (
        client.get(
            reverse("staff:committee_file", args=[session.pk, session.applications.first().pk])
        ).status_code
        == 404
    )
    assert "Comité VIR 2026" not in client.get(reverse("staff:committees")).text


def test_only_one_open_session_per_call(session, manager, call):
    with pytest.raises(Refused, match="déjà ouverte"):
        services.create_session(
            actor=manager, call=call, title="Bis", held_at=timezone.now(), quorum=1
        )
    assert CommitteeSession.objects.count() == 1


def test_targets_above_100_percent_are_refused(manager, call):
    with pytest.raises(Refused, match="100"):
        services.set_targets(
            call,
            actor=manager,
            targets={("gender", "female"): 60, ("gender", "male"): 50},
        )
    assert not BalanceTarget.objects.exists()


def test_the_balance_panel_counts_the_selection_against_the_targets(session, manager, applicants):
    services.set_targets(
        session.call,
        actor=manager,
        targets={("gender", "female"): 50, ("residence", "diaspora"): 25},
    )
    _ready(session, manager, applicants)
    services.decide(session, applicants[0], actor=manager, outcome="selected", reason="strong_file")
    services.decide(session, applicants[1], actor=manager, outcome="selected", reason="strong_file")
    panel = dict(queries.balance(session))
    women = next(s for s in panel["Femmes et hommes"] if s.value == "female")
    diaspora = next(s for s in panel["Résident·e·s et diaspora"] if s.value == "diaspora")
    assert (women.count, women.percent, women.state) == (1, 50, "met")
    assert (diaspora.count, diaspora.percent, diaspora.pool, diaspora.state) == (0, 0, 1, "short")


def test_the_volunteer_export_has_her_scores_and_reason_not_the_others(
    session, manager, applicants, client
):
    _ready(session, manager, applicants)
    services.decide(
        session,
        applicants[0],
        actor=manager,
        outcome="not_selected",
        reason="language",
        comment="Anglais à travailler",
    )
    for application in applicants[1:]:
        services.decide(
            session, application, actor=manager, outcome="selected", reason="strong_file"
        )
    services.close_session(session, actor=manager)
    part = queries.volunteer_part(applicants[0].volunteer)
    assert part[0]["reason"] == "Niveau de langue insuffisant pour la mission"
    assert part[0]["comment"] == "Anglais à travailler"
    assert part[0]["score_out_of_20"] == ["17.00", "17.00"]
    client.force_login(applicants[0].volunteer)
    export = client.get(reverse("volunteers:my_data_export"))
    body = export.content.decode()
    assert "Anglais à travailler" in body and "Niveau de langue insuffisant" in body
    for other in applicants[1:]:
        assert other.volunteer.volunteer_profile.last_name not in body
    assert date.today().year > 2000


def test_a_decision_does_not_move_an_application_out_of_a_forming_contingent(
    session, manager, applicants, org_a
):
    _ready(session, manager, applicants)
    ama = applicants[0]
    mission_services.start_review(ama, actor=manager)
    mission_services.shortlist(ama, actor=manager, reason="Dossier complet")
    contingent = mission_services.create_contingent(
        actor=manager, call=session.call, partner=org_a, name="Premier départ", capacity=2
    )
    mission_services.add_to_contingent(
        contingent, actor=manager, application=ama, mission=session.call.missions.first()
    )
    for application in applicants:
        services.decide(session, application, actor=manager, outcome="not_selected", reason="seats")
    with pytest.raises(Refused, match="Premier départ"):
        services.close_session(session, actor=manager)
    ama.refresh_from_db()
    assert ama.status == "shortlisted"
    assert not Application.objects.filter(status="rejected").exists()


def test_a_session_closes_only_once_held(manager, call, applicants):
    later = services.create_session(
        actor=manager,
        call=call,
        title="Séance à venir",
        held_at=timezone.now() + timedelta(days=3),
        quorum=1,
        staff=[manager],
    )
    _ready(later, manager, applicants)
    for application in applicants:
        services.decide(later, application, actor=manager, outcome="selected", reason="strong_file")
    with pytest.raises(Refused, match="une fois tenue"):
        services.close_session(later, actor=manager)
    later.refresh_from_db()
    assert later.status == "open" and not Application.objects.filter(status="shortlisted").exists()


def test_a_new_session_does_not_judge_again_those_a_closed_one_retained(
    session, manager, applicants, call
):
    _ready(session, manager, applicants)
    ama, kossi, yawa, koffi = applicants
    services.decide(session, ama, actor=manager, outcome="selected", reason="strong_file")
    services.decide(session, kossi, actor=manager, outcome="waitlisted", rank=1, reason="seats")
    services.decide(session, yawa, actor=manager, outcome="not_selected", reason="seats")
    services.decide(session, koffi, actor=manager, outcome="not_selected", reason="seats")
    services.close_session(session, actor=manager)
    again = services.create_session(
        actor=manager, call=call, title="Seconde séance", held_at=timezone.now(), quorum=1
    )
    # Ama was retained (shortlisted): not judged again; Kossi's waiting list is.
    assert list(again.applications.values_list("pk", flat=True)) == [kossi.pk]


def test_a_member_sees_the_others_marks_of_a_file_once_theirs_is_given(session, applicants):
    chair, other = session.members.order_by("-is_chair", "pk")[:2]
    for member in (chair, other):
        declare_all(member, applicants)
    services.mark(other, applicants[0], scores=GOOD)
    services.mark(other, applicants[1], scores={**GOOD, "motivation": 0})
    services.mark(chair, applicants[1], scores=GOOD)
    rows = queries.board(session, viewer=chair)
    # Marked by the chair: shown and ranked. Not marked by the chair: no marks, no rank, last.
    assert [(row.application, row.hidden, row.position) for row in rows][:2] == [
        (applicants[1], False, 1),
        (applicants[0], True, 0),
    ]
    assert all(cell.score is None for cell in rows[1].cells) and rows[1].mean is None
    # A conflict: never shown, even where the others marked.
    services.declare(chair, applicants[1], conflict=True, kind="family")
    row = next(r for r in queries.board(session, viewer=chair) if r.application == applicants[1])
    assert row.hidden and row.position == 0 and row.mean is None


def test_declarations_are_saved_all_or_none(session, applicants, client):
    member = session.members.get(is_chair=True)
    client.force_login(member.user)
    url = reverse("staff:committee_declarations", args=[session.pk])
    form = {f"a{a.pk}-conflict": "no" for a in applicants}
    form[f"a{applicants[2].pk}-conflict"] = "yes"  # a conflict without its nature
    response = client.post(url, form, follow=True)
    assert "indiquez la nature du conflit" in response.text
    assert not Declaration.objects.exists()
    form[f"a{applicants[2].pk}-kind"] = "association"
    client.post(url, form)
    assert Declaration.objects.filter(member=member).count() == 4


def test_an_untouched_decision_form_decides_nothing(session, manager, applicants, client):
    services.set_attendance(session, actor=manager, present={m.pk for m in session.members.all()})
    client.force_login(manager)
    url = reverse("staff:committee_decide", args=[session.pk, applicants[0].pk])
    response = client.post(url, {"outcome": "", "reason": "", "comment": ""}, follow=True)
    assert "Choisissez une décision et son motif" in response.text
    assert not Decision.objects.exists()


def test_a_decision_keeping_the_status_is_recorded_and_a_new_rank_told(
    session, manager, applicants
):
    _ready(session, manager, applicants)
    kossi = applicants[1]
    mission_services.shortlist(kossi, actor=manager, reason="Avant le comité")
    mission_services.waitlist(kossi, actor=manager)
    for application in applicants:
        outcome = "waitlisted" if application == kossi else "selected"
        services.decide(
            session,
            application,
            actor=manager,
            outcome=outcome,
            reason="seats",
            rank=2 if application == kossi else None,
        )
    services.close_session(session, actor=manager)
    record = StatusChange.objects.filter(object_id=kossi.pk).order_by("pk").last()
    assert (record.from_status, record.to_status) == ("waitlisted", "waitlisted")
    assert record.context == session.context_label
    told = Notification.objects.filter(user=kossi.volunteer, channel="in_app").order_by("pk").last()
    assert "Rang 2" in told.body or "Rang 2" in told.summary


def test_the_grid_stays_fixed_once_a_session_closed_without_marks(manager, call, applicants):
    session = services.create_session(
        actor=manager,
        call=call,
        title="Sans notes",
        held_at=timezone.now(),
        quorum=1,
        staff=[manager],
    )
    services.set_attendance(session, actor=manager, present={m.pk for m in session.members.all()})
    for application in applicants:
        services.decide(
            session, application, actor=manager, outcome="selected", reason="strong_file"
        )
    services.close_session(session, actor=manager)
    assert mission_services.grid_is_locked(call)


def test_a_long_unbroken_name_wraps_in_the_minutes(session, manager, applicants):
    services.add_external_member(
        session, actor=manager, name="x" * 90, email="long@example.org", quality="Q" * 150
    )
    _ready(session, manager, applicants)
    for application in applicants:
        services.decide(
            session, application, actor=manager, outcome="selected", reason="strong_file"
        )
    closed = services.close_session(session, actor=manager)
    with closed.minutes.open("rb") as handle:
        document = pypdfium2.PdfDocument(handle.read())
    # The right margin (18 mm; the last 12 mm looked at) stays blank on every page.
    for index in range(len(document)):
        page = document[index]
        image = page.render(scale=1).to_pil().convert("L")
        page.close()
        strip = image.crop((image.width - round(12 * 72 / 25.4), 0, image.width, image.height))
        assert strip.getextrema()[0] > 250, "text runs into the margin"
    document.close()


def test_signed_links_never_reach_the_logs():
    from anvt.logs import _redact

    line = "Not Found: /comite/WzUsIi1Xd3Bv:yo6HEcL8/candidatures/3/ and /accueil/2/WzIsIjlf:Jej/"
    assert _redact(line, []) == (
        "Not Found: /comite/[redacted]/candidatures/3/ and /accueil/2/[redacted]/"
    )
    assert _redact("GET /attestation/WzEs:abc/ /suivi/WzMs:def/", []) == (
        "GET /attestation/[redacted]/ /suivi/[redacted]/"
    )
