import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import DocumentFactory, ExperienceFactory
from tests.files import PDF
from volunteers.models import Document, Experience

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00" + b"\x00" * 64


def pdf(name="attestation.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


EXPERIENCE = {
    "organisation": "Croix-Rouge togolaise",
    "programme": "Volontariat national",
    "role": "Secouriste",
    "country": "TG",
    "start_date": "2023-01-01",
    "end_date": "2023-12-31",
}


def test_experience_is_added_with_its_proof_and_counted(volunteer_client, volunteer):
    response = volunteer_client.post(
        reverse("volunteers:experience_add"), {**EXPERIENCE, "proof": pdf()}
    )
    assert response.status_code == 302
    experience = Experience.objects.get(volunteer=volunteer)
    assert experience.proof.name.startswith(f"volunteers/{volunteer.pk}/")
    assert "attestation" not in experience.proof.name  # the volunteer's name is not used on disk

    page = volunteer_client.get(reverse("volunteers:experiences"))
    assert "Total retenu aujourd'hui : 1 an (365 jours)" in page.text


def test_overlapping_experiences_are_counted_once(volunteer_client, volunteer):
    ExperienceFactory(volunteer=volunteer, start_date="2023-01-01", end_date="2023-12-31")
    ExperienceFactory(volunteer=volunteer, start_date="2023-07-01", end_date="2024-06-30")
    page = volunteer_client.get(reverse("volunteers:experiences"))
    assert page.context["days"] == 547


def test_experience_ending_before_it_starts_is_refused(volunteer_client, volunteer):
    response = volunteer_client.post(
        reverse("volunteers:experience_add"), {**EXPERIENCE, "end_date": "2022-12-31"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "end_date": ["La date de fin précède la date de début."]
    }
    assert not Experience.objects.exists()


def test_experience_proof_must_be_a_real_document(volunteer_client):
    response = volunteer_client.post(
        reverse("volunteers:experience_add"), {**EXPERIENCE, "proof": pdf("preuve.pdf", EXE)}
    )
    assert response.context["form"].errors == {
        "proof": ["Seuls les fichiers PDF, JPEG et PNG sont acceptés."]
    }
    assert not Experience.objects.exists()


def test_experience_is_edited_and_deleted(volunteer_client, volunteer):
    experience = ExperienceFactory(volunteer=volunteer, verification_status="verified")
    volunteer_client.post(
        reverse("volunteers:experience_edit", args=[experience.pk]),
        {**EXPERIENCE, "end_date": "2024-01-31"},
    )
    experience.refresh_from_db()
    assert (str(experience.end_date), experience.verification_status) == ("2024-01-31", "declared")

    confirm = volunteer_client.get(reverse("volunteers:experience_delete", args=[experience.pk]))
    assert "Oui, supprimer" in confirm.text
    assert Experience.objects.filter(pk=experience.pk).exists()
    volunteer_client.post(reverse("volunteers:experience_delete", args=[experience.pk]))
    assert not Experience.objects.filter(pk=experience.pk).exists()


def test_document_is_uploaded_and_downloaded_privately(volunteer_client, volunteer, settings):
    response = volunteer_client.post(
        reverse("volunteers:documents"),
        {"kind": "passport", "expiry_date": "2031-01-01", "file": pdf("passeport.pdf")},
    )
    assert response.status_code == 302
    document = Document.objects.get(volunteer=volunteer)
    assert (document.original_name, document.content_type, document.size) == (
        "passeport.pdf",
        "application/pdf",
        len(PDF),
    )

    download = volunteer_client.get(reverse("volunteers:document_file", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="passeport.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    # No public URL serves private files.
    assert volunteer_client.get(f"/media/{document.file.name}").status_code == 404
    assert volunteer_client.get(f"/static/{document.file.name}").status_code == 404


def test_identity_documents_need_an_expiry_date(volunteer_client):
    response = volunteer_client.post(
        reverse("volunteers:documents"), {"kind": "passport", "file": pdf()}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "expiry_date": ["Indiquez la date d'expiration de ce document."]
    }
    assert not Document.objects.exists()


def test_renamed_executable_is_refused(volunteer_client):
    response = volunteer_client.post(
        reverse("volunteers:documents"), {"kind": "cv", "file": pdf("cv.pdf", EXE)}
    )
    assert response.status_code == 400
    assert "Seuls les fichiers PDF, JPEG et PNG sont acceptés." in response.text
    assert not Document.objects.exists()


def test_oversized_upload_is_refused(volunteer_client, settings):
    settings.UPLOAD_MAX_BYTES = 100
    big = PDF[:-6] + b" " * 200 + b"%%EOF\n"
    response = volunteer_client.post(
        reverse("volunteers:documents"), {"kind": "cv", "file": pdf("cv.pdf", big)}
    )
    assert response.status_code == 400
    assert "le maximum est 100" in response.text
    assert not Document.objects.exists()


def test_document_is_replaced_and_the_old_file_removed(
    volunteer_client, volunteer, django_capture_on_commit_callbacks
):
    document = DocumentFactory(volunteer=volunteer, kind="cv", verification_status="verified")
    old_name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = volunteer_client.post(
            reverse("volunteers:document_replace", args=[document.pk]), {"file": pdf("cv-2026.pdf")}
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.original_name, document.verification_status) == ("cv-2026.pdf", "declared")
    assert document.file.name != old_name
    assert not document.file.storage.exists(old_name)


@pytest.mark.parametrize(
    "url_name",
    [
        "volunteers:experience_edit",
        "volunteers:experience_delete",
        "volunteers:experience_proof",
        "volunteers:document_file",
        "volunteers:document_replace",
        "volunteers:document_delete",
    ],
)
def test_another_volunteers_experience_or_document_is_404(
    volunteer_client, other_volunteer, url_name
):
    experience = ExperienceFactory(
        volunteer=other_volunteer, organisation="Organisation secrète", proof=pdf()
    )
    document = DocumentFactory(volunteer=other_volunteer, original_name="secret.pdf")
    target = experience if "experience" in url_name else document
    for method in (volunteer_client.get, volunteer_client.post):
        response = method(reverse(url_name, args=[target.pk]))
        assert response.status_code == 404
        assert b"secret" not in response.content.lower()
    assert Experience.objects.filter(pk=experience.pk).exists()
    assert Document.objects.filter(pk=document.pk).exists()


def test_lists_show_only_ones_own_rows(volunteer_client, volunteer, other_volunteer):
    ExperienceFactory(volunteer=other_volunteer, organisation="Organisation secrète")
    DocumentFactory(volunteer=other_volunteer, original_name="secret.pdf")
    ExperienceFactory(volunteer=volunteer, organisation="Mon association")
    assert (
        "Organisation secrète" not in volunteer_client.get(reverse("volunteers:experiences")).text
    )
    assert "secret.pdf" not in volunteer_client.get(reverse("volunteers:documents")).text
