"""Issue 15, ANVT checks each item: verified, refused with what to do instead (the volunteer is
told), set aside with a reason, reopened. Each move is in the audit trail with its actor; a move
the rules forbid is refused with its reason and changes nothing; only programme managers see
these pages."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anvt.errors import Refused
from audit.models import StatusChange
from mobility import services
from mobility.enums import ItemState
from notifications.models import Notification
from tests import files
from tests.mobility.conftest import flashed, item_of, login, state, text

pytestmark = pytest.mark.django_db
S = ItemState


def history(item):
    return [
        (change.from_status, change.to_status, change.actor, change.reason)
        for change in StatusChange.objects.for_object(item)
    ]


@pytest.fixture
def sent(volunteer, placement, checklist):
    """Ama sent her passport (a PDF) and her vaccination date."""
    passport = item_of(placement, "passport", checklist)
    vaccine = item_of(placement, "vaccine", checklist)
    upload = SimpleUploadedFile("passeport.pdf", files.PDF, content_type="application/pdf")
    upload.checked_content_type = "application/pdf"
    services.submit_item(passport, actor=volunteer, upload=upload)
    services.submit_item(vaccine, actor=volunteer, date_value=placement.planned_departure)
    passport.refresh_from_db()
    vaccine.refresh_from_db()
    return passport, vaccine


def test_the_file_page_shows_each_item_and_its_document(manager_client, placement, sent):
    response = manager_client.get(reverse("staff:mobility", args=[placement.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "Dossier de départ — Ama Koffi" in page
    for label in ("Passeport valide", "Vaccin fièvre jaune", "Assurance santé", "Atelier"):
        assert label in page
    assert "passeport.pdf" in page
    assert reverse("staff:mobility_verify", args=[sent[0].pk]) in page


def test_verify_refuse_set_aside_and_reopen_each_leave_their_trace(
    manager, manager_client, volunteer, placement, sent, checklist
):
    passport, vaccine = sent
    visa = item_of(placement, "visa", checklist)

    verified = manager_client.post(reverse("staff:mobility_verify", args=[passport.pk]))
    refused = manager_client.post(
        reverse("staff:mobility_refuse", args=[vaccine.pk]),
        {"reason": "  Joignez le carnet de vaccination  "},
    )
    aside = manager_client.post(
        reverse("staff:mobility_not_applicable", args=[visa.pk]),
        {"reason": "Pas de visa pour les Togolais en France (accord)"},
    )
    reopened = manager_client.post(reverse("staff:mobility_reopen", args=[passport.pk]))

    assert verified["Location"] == reverse("staff:mobility", args=[placement.pk])
    assert (flashed(verified), flashed(refused), flashed(aside), flashed(reopened)) == (
        ["Vérifié."],
        ["Refusé ; la personne concernée est prévenue."],
        ["Sans objet."],
        ["Rouvert."],
    )
    for item in (passport, vaccine, visa):
        item.refresh_from_db()
    assert (passport.state, vaccine.state, visa.state) == (S.TO_DO, S.REFUSED, S.NOT_APPLICABLE)
    assert (vaccine.reason, vaccine.updated_by) == ("Joignez le carnet de vaccination", manager)
    assert history(passport) == [
        (S.TO_DO, S.SUBMITTED, volunteer, ""),
        (S.SUBMITTED, S.VERIFIED, manager, ""),
        (S.VERIFIED, S.TO_DO, manager, ""),
    ]
    assert history(vaccine) == [
        (S.TO_DO, S.SUBMITTED, volunteer, ""),
        (S.SUBMITTED, S.REFUSED, manager, "Joignez le carnet de vaccination"),
    ]
    assert history(visa) == [
        (S.TO_DO, S.NOT_APPLICABLE, manager, "Pas de visa pour les Togolais en France (accord)")
    ]


def test_a_refusal_tells_the_volunteer_what_to_redo_and_she_sends_again(
    manager, volunteer, volunteer_client, placement, sent
):
    _, vaccine = sent

    services.refuse_item(vaccine, actor=manager, reason="Date illisible")

    told = Notification.objects.filter(user=volunteer, event="mobility_item_refused")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "in_app"]
    message = told.get(channel="email")
    assert "Vaccin fièvre jaune" in message.subject
    assert "Date illisible" in message.body
    assert message.link == reverse("volunteers:mobility", args=[placement.pk])
    page = text(volunteer_client.get(reverse("volunteers:mobility", args=[placement.pk])))
    assert "À reprendre : Date illisible" in page

    volunteer_client.post(
        reverse("volunteers:mobility_item", args=[placement.pk, vaccine.pk]),
        {"date_value": "2026-12-03"},
    )
    vaccine.refresh_from_db()
    assert (vaccine.state, str(vaccine.date_value), vaccine.reason) == (
        S.SUBMITTED,
        "2026-12-03",
        "",
    )


@pytest.mark.parametrize("url", ["staff:mobility_refuse", "staff:mobility_not_applicable"])
@pytest.mark.parametrize("data", [{}, {"reason": ""}])
def test_a_refusal_or_a_setting_aside_needs_its_reason(manager_client, sent, url, data):
    passport, _ = sent
    before = state(passport)

    response = manager_client.post(reverse(url, args=[passport.pk]), data)

    assert flashed(response) == ["Indiquez le motif."]
    assert state(passport) == before


def test_the_services_refuse_a_blank_reason_too(manager, sent):
    passport, _ = sent
    before = state(passport)

    with pytest.raises(Refused, match=r"Indiquez le motif du refus\."):
        services.refuse_item(passport, actor=manager, reason="   ")
    with pytest.raises(Refused, match=r"Indiquez pourquoi cet élément est sans objet\."):
        services.set_not_applicable(passport, actor=manager, reason="   ")

    assert state(passport) == before


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("staff:mobility_refuse", {"reason": "Non"}, "« À faire » à « Refusé »"),
        ("staff:mobility_reopen", {}, "« À faire » à « À faire »"),
    ],
)
def test_a_move_the_rules_forbid_is_refused_and_changes_nothing(
    manager_client, placement, checklist, url, data, message
):
    vaccine = item_of(placement, "vaccine", checklist)
    before = state(vaccine)

    response = manager_client.post(reverse(url, args=[vaccine.pk]), data)

    assert flashed(response) == [f"Impossible de passer de {message}."]
    assert state(vaccine) == before


def test_anvt_verifies_its_own_item_without_it_being_sent(manager, placement, checklist):
    visa = item_of(placement, "visa", checklist)

    services.verify_item(visa, actor=manager)

    visa.refresh_from_db()
    assert visa.state == S.VERIFIED
    assert history(visa) == [(S.TO_DO, S.VERIFIED, manager, "")]


def test_a_volunteer_item_she_never_sent_cannot_be_verified(manager_client, placement, checklist):
    passport = item_of(placement, "passport", checklist)
    before = state(passport)

    response = manager_client.post(reverse("staff:mobility_verify", args=[passport.pk]))

    assert flashed(response) == ["Cet élément doit d'abord être transmis par qui le complète."]
    assert state(passport) == before


def test_no_one_but_a_programme_manager_moves_an_item(
    volunteer, coordinator_a, reviewer, placement, sent
):
    passport, _ = sent
    before = state(passport)

    for actor in (volunteer, coordinator_a, reviewer):
        with pytest.raises(Refused, match="pas le droit"):
            services.verify_item(passport, actor=actor)
        with pytest.raises(Refused, match="pas le droit"):
            services.refuse_item(passport, actor=actor, reason="Non")

    assert state(passport) == before


@pytest.mark.parametrize("who", ["reviewer", "coordinator_a", "volunteer"])
def test_the_staff_pages_are_404_to_anyone_else(request, placement, sent, who):
    passport, _ = sent
    client = login(request.getfixturevalue(who))
    before = state(passport)
    contingent = placement.contingent_id

    pages = [
        client.get(reverse("staff:mobility", args=[placement.pk])),
        client.get(reverse("staff:readiness", args=[contingent])),
        client.get(reverse("staff:readiness_csv", args=[contingent])),
        client.get(reverse("staff:workshops", args=[contingent])),
        client.get(reverse("staff:checklists")),
        client.post(reverse("staff:mobility_verify", args=[passport.pk])),
        client.post(reverse("staff:mobility_refuse", args=[passport.pk]), {"reason": "Non"}),
        client.post(reverse("staff:mobility_not_applicable", args=[passport.pk]), {"reason": "X"}),
        client.post(reverse("staff:mobility_reopen", args=[passport.pk])),
        client.post(
            reverse("staff:placement_departure", args=[placement.pk]), {"on": "2026-11-01"}
        ),
    ]

    assert [page.status_code for page in pages] == [404] * len(pages)
    assert state(passport) == before


def stored_files(volunteer):
    return set(default_storage.listdir(f"volunteers/{volunteer.pk}")[1])


def test_a_refused_upload_leaves_no_file_behind(volunteer, placement, checklist):
    visa = item_of(placement, "visa", checklist)  # ANVT's item: not hers to send
    before = stored_files(volunteer)
    upload = SimpleUploadedFile("visa.pdf", files.PDF)
    upload.checked_content_type = "application/pdf"

    with pytest.raises(Refused, match="pas le droit"):
        services.submit_item(visa, actor=volunteer, upload=upload)

    assert stored_files(volunteer) - before == set()


# The partner completes its own items ---------------------------------------------------------


def test_the_partner_sends_its_items_and_nothing_else(
    coordinator_a, viewer_a, coordinator_b, placement, checklist
):
    insurance = item_of(placement, "insurance", checklist)
    vaccine = item_of(placement, "vaccine", checklist)
    url = reverse("partners:mobility_item", args=[placement.pk, insurance.pk])
    others = state(vaccine)[0]  # the item alone: the insurance's move adds its rows

    sent = login(coordinator_a).post(url, {"file": SimpleUploadedFile("assurance.pdf", files.PDF)})
    not_theirs = login(coordinator_a).post(
        reverse("partners:mobility_item", args=[placement.pk, vaccine.pk]),
        {"date_value": "2026-12-02"},
    )

    assert flashed(sent) == ["Transmis à l'ANVT, qui va le vérifier."]
    assert flashed(not_theirs) == ["Vous n'avez pas le droit de faire cette action."]
    insurance.refresh_from_db()
    assert (insurance.state, insurance.updated_by) == (S.SUBMITTED, coordinator_a)
    assert (insurance.document.volunteer_id, insurance.document.kind) == (
        placement.volunteer_id,
        "mobility",
    )
    assert state(vaccine)[0] == others

    before = state(insurance)
    again = {"file": SimpleUploadedFile("autre.pdf", files.PDF)}
    assert login(coordinator_b).post(url, again).status_code == 404
    assert login(viewer_a).post(url, again)["Location"] == reverse("partners:home")
    assert state(insurance) == before
