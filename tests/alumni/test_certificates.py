"""Certificates of completion (issue 20, part 2): issued when a mission ends as completed, read
back from the PDF (its text in French and English, and its QR code's payload), checked on the
public page (valid, revoked, unknown, malformed, rate-limited), revoked by staff with a reason."""

import io
from datetime import timedelta

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from alumni import certificates, views
from alumni.models import Certificate
from anvt.errors import Refused
from missions import services

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split()
    )


def qr_payloads(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    image = page.render(scale=3).to_pil()
    page.close()
    document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_a_completed_mission_issues_its_certificate_once(completed):
    certificate = Certificate.objects.get(placement=completed)
    assert certificate.is_valid and len(certificate.code) == 9
    assert certificates.issue(completed) == certificate
    assert certificate.data["volunteer"] == "Akosua Mensah"


def test_the_pdf_says_who_did_what_and_its_qr_leads_to_the_verification_page(completed):
    certificate = completed.certificate
    french = certificates.render(certificate, "fr")
    text = text_of(french)
    for expected in (
        "Certificat de fin de mission",
        "Akosua Mensah",
        "Tri sélectif à Lyon",
        certificate.code,
        "Agence Nationale du Volontariat au Togo",
    ):
        assert expected in text, expected
    url = certificates.verify_url(certificate.code)
    assert qr_payloads(french) == [url]
    english = text_of(certificates.render(certificate, "en"))
    assert "Certificate of completion" in english and "has completed" in english
    # The same certificate gives the same bytes (no date of printing in it).
    assert certificates.render(certificate, "fr") == french


def test_the_public_page_says_valid_or_revoked_and_nothing_about_the_person(
    completed, client, manager
):
    certificate = completed.certificate
    page = client.get(reverse("certificate_verify", args=[certificate.code]))
    assert page.status_code == 200 and "valide" in page.text
    for private in ("Akosua", "Mensah", "Lyon", completed.volunteer.email):
        assert private not in page.text
    # Typed by hand, in lower case, with an O for a 0: the same certificate.
    typed = certificate.code.lower().replace("0", "o")
    lookup = client.get(reverse("certificate_lookup"), {"code": typed})
    assert lookup.status_code == 302 and certificate.code in lookup["Location"]
    with pytest.raises(Refused, match="motif"):
        certificates.revoke(certificate, actor=manager, reason=" ")
    certificates.revoke(certificate, actor=manager, reason="Mission écourtée, fraude constatée")
    revoked = client.get(reverse("certificate_verify", args=[certificate.code]))
    assert "révoqué" in revoked.text and "fraude" not in revoked.text
    assert "RÉVOQUÉ" in text_of(certificates.render(certificate, "fr"))


def test_an_unknown_or_malformed_code_says_so_and_nothing_more(client, completed):
    unknown = client.get(reverse("certificate_verify", args=["ZZZZ-ZZZZ"]))
    assert unknown.status_code == 404 and "Aucun certificat ne porte ce code." in unknown.text
    malformed = client.get(reverse("certificate_lookup"), {"code": "abc"})
    assert malformed.status_code == 400 and "pas la forme" in malformed.text
    assert client.get(reverse("certificate_lookup")).status_code == 200


def test_lookups_are_rate_limited(client, completed):
    cache.clear()
    url = reverse("certificate_verify", args=["ZZZZ-ZZZZ"])
    answers = [client.get(url).status_code for _n in range(views.LOOKUPS + 1)]
    assert answers[:-1] == [404] * views.LOOKUPS
    assert answers[-1] == 429
    limited = client.get(reverse("certificate_verify", args=[completed.certificate.code]))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    cache.clear()


def test_only_she_and_staff_download_it(completed, client, other_volunteer, manager):
    url = reverse("volunteers:placement_certificate", args=[completed.pk])
    client.force_login(other_volunteer)
    assert client.get(url).status_code == 404
    client.force_login(completed.volunteer)
    mine = client.get(url, {"langue": "en"})
    assert mine["Content-Type"] == "application/pdf"
    assert "Certificate of completion" in text_of(mine.content)
    client.force_login(manager)
    staff = client.get(reverse("staff:placement_certificate", args=[completed.pk]))
    assert "Certificat de fin de mission" in text_of(staff.content)
    response = client.post(
        reverse("staff:certificate_revoke", args=[completed.pk]), {"reason": ""}, follow=True
    )
    assert "Indiquez le motif" in response.text
    assert Certificate.objects.get(pk=completed.certificate.pk).is_valid


def test_the_certificate_outlives_the_documents(completed, client):
    import time_machine

    from alumni import retention

    with time_machine.travel(timezone.now() + timedelta(days=780)):
        retention.run()  # she is told first
    with time_machine.travel(timezone.now() + timedelta(days=800)):
        assert retention.run().deleted == 4  # CV, letter, certificate, passport
        assert not completed.volunteer.documents.exists()
        text = text_of(certificates.render(Certificate.objects.get(placement=completed), "fr"))
        assert "Akosua Mensah" in text
        page = client.get(reverse("certificate_verify", args=[completed.certificate.code]))
        assert "valide" in page.text


def test_missions_completed_before_certificates_get_theirs(completed):
    from django.core.management import call_command

    Certificate.objects.all().delete()
    call_command("issue_certificates", stdout=io.StringIO())
    call_command("issue_certificates", stdout=io.StringIO())
    assert Certificate.objects.filter(placement=completed).count() == 1


def test_a_corrected_return_date_reaches_a_valid_certificate(completed, manager):
    earlier = completed.return_date - timedelta(days=2)
    services.correct_date(
        completed, actor=manager, event="return", on=earlier, reason="Retour avancé, billet changé"
    )
    certificate = Certificate.objects.get(placement=completed)
    assert certificate.data["end"] == earlier.isoformat()
