"""Issue 15, the volunteer's page: she reads her file, sends her dates and documents; a wrong
file, a missing answer, another's item or an item not hers to send is refused and changes
nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions.enums import PlacementStatus
from mobility import services
from mobility.enums import ItemState
from tests import files
from tests.mobility.conftest import confirmed, flashed, item_of, login, state, text
from volunteers.enums import DocumentKind

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00\x03\x00\x00\x00evil"


def send(client, placement, item, data):
    return client.post(reverse("volunteers:mobility_item", args=[placement.pk, item.pk]), data)


def test_she_reads_her_items_and_what_others_complete(volunteer_client, placement):
    response = volunteer_client.get(reverse("volunteers:mobility", args=[placement.pk]))

    assert response.status_code == 200
    page = text(response)
    mine, others = page.split("À compléter par moi")[1].split("Suivi par l'ANVT")
    assert "Passeport valide" in mine and "Vaccin fièvre jaune" in mine
    assert "Assurance santé" in others and "Rendez-vous visa" in others
    assert "Assurance santé" not in mine
    assert "en retard" in mine  # the passport was due 60 days before, 50 days from now


def test_she_sends_a_date_and_a_document(volunteer, volunteer_client, placement, checklist):
    vaccine = item_of(placement, "vaccine", checklist)
    passport = item_of(placement, "passport", checklist)

    dated = send(volunteer_client, placement, vaccine, {"date_value": "2026-12-02"})
    sent = send(
        volunteer_client,
        placement,
        passport,
        {"file": SimpleUploadedFile("passeport.pdf", files.PDF, content_type="application/pdf")},
    )

    assert flashed(dated) == ["Transmis à l'ANVT, qui va le vérifier."]
    assert flashed(sent) == ["Transmis à l'ANVT, qui va le vérifier."]
    assert dated["Location"].endswith(f"#item-{vaccine.pk}")
    vaccine.refresh_from_db()
    passport.refresh_from_db()
    assert (vaccine.state, str(vaccine.date_value), vaccine.updated_by) == (
        ItemState.SUBMITTED,
        "2026-12-02",
        volunteer,
    )
    assert passport.state == ItemState.SUBMITTED
    document = passport.document
    assert (document.volunteer, document.kind, document.content_type, document.original_name) == (
        volunteer,
        DocumentKind.MOBILITY,
        "application/pdf",
        "passeport.pdf",
    )
    with document.file.open("rb") as stored:
        assert stored.read() == files.PDF
    page = text(volunteer_client.get(reverse("volunteers:mobility", args=[placement.pk])))
    assert "passeport.pdf" in page
    assert "Transmis" in page


def test_a_new_document_replaces_the_last_until_it_is_verified(
    manager, volunteer_client, placement, checklist
):
    passport = item_of(placement, "passport", checklist)
    for name in ("premier.pdf", "second.pdf"):
        send(volunteer_client, placement, passport, {"file": SimpleUploadedFile(name, files.PDF)})
        passport.refresh_from_db()
        assert (passport.state, passport.document.original_name) == (ItemState.SUBMITTED, name)
    services.verify_item(passport, actor=manager)

    before = state(passport)
    response = send(
        volunteer_client, placement, passport, {"file": SimpleUploadedFile("x.pdf", files.PDF)}
    )

    assert flashed(response) == ["Cet élément ne peut plus être modifié."]
    assert state(passport) == before


def test_a_wrong_file_type_is_refused_and_changes_nothing(volunteer_client, placement, checklist):
    passport = item_of(placement, "passport", checklist)
    before = state(passport)

    response = send(
        volunteer_client, placement, passport, {"file": SimpleUploadedFile("passeport.pdf", EXE)}
    )

    assert response.status_code == 302
    [message] = flashed(response)
    assert "Transmis" not in message
    assert state(passport) == before


def test_a_wrong_file_type_says_which_files_are_accepted(volunteer_client, placement, checklist):
    passport = item_of(placement, "passport", checklist)

    response = send(
        volunteer_client, placement, passport, {"file": SimpleUploadedFile("passeport.pdf", EXE)}
    )

    assert flashed(response) == ["Seuls les fichiers PDF, JPEG et PNG sont acceptés."]


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("vaccine", {}, "Indiquez la date demandée."),
        ("vaccine", {"date_value": ""}, "Indiquez la date demandée."),
        ("passport", {}, "Joignez la pièce demandée."),
        ("vaccine", {"date_value": "pas une date"}, "Saisissez une date valide."),
    ],
)
def test_a_missing_answer_is_named_and_changes_nothing(
    volunteer_client, placement, checklist, key, data, message
):
    item = item_of(placement, key, checklist)
    before = state(item)

    response = send(volunteer_client, placement, item, data)

    assert flashed(response) == [message]
    assert state(item) == before


def test_another_volunteer_gets_404_and_changes_nothing(other_volunteer, placement, checklist):
    passport = item_of(placement, "passport", checklist)
    vaccine = item_of(placement, "vaccine", checklist)
    before = state(passport, vaccine)
    client = login(other_volunteer)

    page = client.get(reverse("volunteers:mobility", args=[placement.pk]))
    sent = send(client, placement, vaccine, {"date_value": "2026-12-02"})
    uploaded = send(client, placement, passport, {"file": SimpleUploadedFile("p.pdf", files.PDF)})

    assert (page.status_code, sent.status_code, uploaded.status_code) == (404, 404, 404)
    assert state(passport, vaccine) == before


def test_an_item_of_another_placement_in_the_url_is_404(
    manager, org_a, coordinator_a, other_volunteer, volunteer_client, placement, checklist
):
    [others] = confirmed(manager, org_a, coordinator_a, volunteers=[other_volunteer])
    her_vaccine = item_of(placement, "vaccine", checklist)
    their_vaccine = item_of(others, "vaccine", checklist)
    before = state(her_vaccine, their_vaccine)

    # Her placement with their item, and their placement with her item.
    mixed = send(volunteer_client, placement, their_vaccine, {"date_value": "2026-12-02"})
    theirs = send(volunteer_client, others, her_vaccine, {"date_value": "2026-12-02"})

    assert (mixed.status_code, theirs.status_code) == (404, 404)
    assert state(her_vaccine, their_vaccine) == before


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("visa", "Vous n'avez pas le droit de faire cette action."),
        ("insurance", "Vous n'avez pas le droit de faire cette action."),
        ("workshop", "La présence à l'atelier est notée par l'ANVT le jour même."),
    ],
)
def test_she_cannot_send_an_item_that_is_not_hers(
    volunteer_client, placement, checklist, key, message
):
    item = item_of(placement, key, checklist)
    before = state(item)

    response = send(
        volunteer_client, placement, item, {"file": SimpleUploadedFile("x.pdf", files.PDF)}
    )

    assert flashed(response) == [message]
    assert state(item) == before


def test_once_departed_her_file_is_closed(manager, volunteer_client, placement, checklist):
    services.depart(placement, actor=manager, on=placement.mission.start_date, override="Urgence")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DEPARTED
    vaccine = item_of(placement, "vaccine", checklist)
    before = state(vaccine)

    page = volunteer_client.get(reverse("volunteers:mobility", args=[placement.pk]))
    response = send(volunteer_client, placement, vaccine, {"date_value": "2026-12-02"})

    assert page.status_code == 200
    assert reverse("volunteers:mobility_item", args=[placement.pk, vaccine.pk]) not in text(page)
    assert flashed(response) == ["Ce dossier de départ est clos."]
    assert state(vaccine) == before
