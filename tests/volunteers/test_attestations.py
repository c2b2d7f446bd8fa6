"""Experiences attested by their hosts (issue 20, part 1): the referee's signed link in each of
its states (a frozen clock), the volunteer's request and one reminder, the engine counting the
attested dates, a call that counts attested experience only, and what staff read."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anvt.errors import Refused
from missions import checking, eligibility
from missions.models import Application, EligibilityReport
from tests.factories import ApplicationFactory, CallFactory, ExperienceFactory, complete_volunteer
from volunteers import attestations
from volunteers.enums import AttestationStatus
from volunteers.models import AttestationRequest, Experience

pytestmark = pytest.mark.django_db

REFEREE = "koffi.mensah@croix-rouge.example"


@pytest.fixture
def experience(volunteer):
    return ExperienceFactory(
        volunteer=volunteer,
        organisation="Croix-Rouge togolaise, Kara",
        role="Animatrice santé",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        referee_name="Koffi Mensah",
        referee_role="Coordinateur",
        referee_email=REFEREE,
    )


def link_of(request: AttestationRequest) -> str:
    return attestations.link_path(request)


def state(experience):
    experience.refresh_from_db()
    return (
        experience.attestation_status,
        experience.attested_start,
        experience.attested_end,
        experience.attested_by,
    )


def test_the_volunteer_asks_and_the_referee_gets_a_link_to_that_experience_only(
    volunteer, experience, client, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:experience_attestation", args=[experience.pk]), follow=True
        )
    assert "Demande envoyée à Koffi Mensah" in response.text
    [sent] = [m for m in mail.outbox if m.to == [REFEREE]]
    request = experience.attestation_requests.get()
    assert link_of(request) in sent.body
    page = client.get(link_of(request))
    assert "Croix-Rouge togolaise, Kara" in page.text and "J'atteste, c'est exact" in page.text
    # A page of hers that names the state of the request.
    assert "sans réponse pour l" in client.get(reverse("volunteers:experiences")).text


def test_a_referee_address_that_is_her_own_is_refused(volunteer, experience, client):
    experience.referee_email = volunteer.email.upper()
    experience.save()
    with pytest.raises(Refused, match="pas la vôtre"):
        attestations.ask(experience, actor=volunteer)
    assert not AttestationRequest.objects.exists()
    client.force_login(volunteer)
    form = {
        "organisation": "Croix-Rouge",
        "country": "TG",
        "start_date": "2024-01-01",
        "referee_name": "Moi",
        "referee_email": volunteer.email,
    }
    response = client.post(reverse("volunteers:experience_add"), form)
    assert "pas la vôtre" in response.text
    assert Experience.objects.filter(volunteer=volunteer).count() == 1


def test_every_state_of_the_link_with_a_frozen_clock(volunteer, experience, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        request = attestations.ask(experience, actor=volunteer)
        url = link_of(request)
        # Tampered, or a forged token: 404, as a link that is not ours.
        assert client.get(url[:-3] + "xyz/").status_code == 404
        assert client.get(reverse("attestation", args=["not-a-token"])).status_code == 404
        # Valid until the 30th day.
        clock.shift(timedelta(days=29, hours=23))
        assert client.get(url).status_code == 200
        clock.shift(timedelta(hours=1))
        expired = client.get(url)
        assert expired.status_code == 410 and "Ce lien a expiré" in expired.text
        posted = client.post(url, {"answer": "confirmed", "name": "Koffi Mensah"})
        assert posted.status_code == 410 and "Ce lien a expiré" in posted.text
        assert state(experience)[0] == AttestationStatus.REQUESTED
        assert (
            attestations.state_of(experience, attestations.current(experience))
            == AttestationStatus.EXPIRED
        )
        # She asks again: a new link; the old one says it was replaced.
        again = attestations.ask(experience, actor=volunteer)
        replaced = client.get(url)
        assert replaced.status_code == 410 and "remplacé" in replaced.text
        # Used once: the answer stands, a second use changes nothing.
        new_url = link_of(again)
        client.post(new_url, {"answer": "confirmed", "name": "Koffi Mensah, coordinateur"})
        assert state(experience) == (
            AttestationStatus.CONFIRMED,
            date(2024, 1, 1),
            date(2024, 12, 31),
            "Koffi Mensah, coordinateur",
        )
        reused = client.post(
            new_url,
            {"answer": "corrected", "name": "X", "organisation": "Y", "start": "2020-01-01"},
        )
        assert "Votre réponse est enregistrée" in reused.text
        assert state(experience)[1] == date(2024, 1, 1)
        with pytest.raises(Refused, match="déjà servi"):
            attestations.answer(again, again.secret, answer="confirmed", name="X")


def test_a_correction_with_impossible_dates_is_refused_and_changes_nothing(
    volunteer, experience, client
):
    request = attestations.ask(experience, actor=volunteer)
    url = link_of(request)
    for start, end, message in (
        ("2024-06-01", "2024-03-01", "précède la date de début"),
        ("2024-06-01", (timezone.localdate() + timedelta(days=5)).isoformat(), "dans le futur"),
    ):
        response = client.post(
            url,
            {
                "answer": "corrected",
                "name": "Koffi Mensah",
                "organisation": "Croix-Rouge",
                "start": start,
                "end": end,
            },
        )
        assert response.status_code == 400 and message in response.text
        assert state(experience)[0] == AttestationStatus.REQUESTED
    request.refresh_from_db()
    assert request.answered_at is None and request.secret


def test_one_reminder_per_request(volunteer, experience, client):
    attestations.ask(experience, actor=volunteer)
    client.force_login(volunteer)
    url = reverse("volunteers:experience_remind", args=[experience.pk])
    assert "Relance envoyée" in client.post(url, follow=True).text
    second = client.post(url, follow=True)
    assert "une relance par demande" in second.text
    assert AttestationRequest.objects.get().reminded_at is not None


def test_another_volunteers_experience_is_404(volunteer, other_volunteer, experience, client):
    client.force_login(other_volunteer)
    url = reverse("volunteers:experience_attestation", args=[experience.pk])
    assert client.post(url).status_code == 404
    assert not AttestationRequest.objects.exists()


# The engine ------------------------------------------------------------------------------------


def test_the_engine_counts_the_attested_dates_where_they_differ():
    rules = eligibility.Rules(reference_date=date(2026, 2, 28), min_experience_months=24)
    short = eligibility.Facts(
        birth_date=date(2003, 1, 1),
        nationality_status="togolese_resident",
        experiences=[(date(2025, 1, 1), date(2025, 12, 31))],
    )
    assert eligibility.evaluate(short, rules).criteria["experience"].outcome == "fail"
    # The host attested two years more than declared: those dates count.
    longer = eligibility.Facts(
        birth_date=date(2003, 1, 1),
        nationality_status="togolese_resident",
        experiences=[(date(2023, 1, 1), date(2025, 12, 31))],
        attested_experiences=[(date(2023, 1, 1), date(2025, 12, 31))],
    )
    assert eligibility.evaluate(longer, rules).criteria["experience"].outcome == "pass"
    strict = eligibility.Rules(
        reference_date=date(2026, 2, 28), min_experience_months=24, require_attested_experience=True
    )
    declared_only = eligibility.Facts(
        birth_date=date(2003, 1, 1),
        nationality_status="togolese_resident",
        experiences=[(date(2023, 1, 1), date(2025, 12, 31))],
    )
    result = eligibility.evaluate(declared_only, strict).criteria["experience"]
    assert result.outcome == "fail" and "attestée" in result.message
    assert eligibility.fingerprint(longer, rules) != eligibility.fingerprint(longer, strict)


def test_a_correction_reaches_the_eligibility_report(client, django_capture_on_commit_callbacks):
    call = CallFactory(require_attested_experience=True)
    volunteer = complete_volunteer()
    experience = volunteer.experiences.get()
    experience.referee_name, experience.referee_email = "Afi", "afi@asso.example"
    experience.start_date, experience.end_date = date(2025, 1, 1), date(2025, 6, 30)
    experience.save()
    application = ApplicationFactory(call=call, volunteer=volunteer, status="submitted")
    checking.check_applications([application.pk], job="test")
    report = EligibilityReport.objects.get(application=application)
    assert not report.eligible  # six months declared, none attested
    request = attestations.ask(experience, actor=volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            link_of(request),
            {
                "answer": "corrected",
                "name": "Afi, présidente",
                "organisation": experience.organisation,
                "start": "2022-01-01",
                "end": "2025-06-30",
            },
        )
    report.refresh_from_db()
    application.refresh_from_db()
    assert report.eligible and application.status == "eligible"
    assert report.report.criteria["experience"].value > 3 * 365


def test_staff_read_who_attested_and_the_corrections(manager_client, application):
    experience = application.volunteer.experiences.get()
    experience.referee_name, experience.referee_email = "Afi", "afi@asso.example"
    experience.save()
    request = attestations.ask(experience, actor=application.volunteer)
    attestations.answer(
        request,
        request.secret,
        answer="corrected",
        name="Afi Dogbe",
        organisation=experience.organisation,
        role="Trésorière",
        start=experience.start_date,
        end=experience.end_date,
    )
    page = manager_client.get(reverse("staff:application", args=[application.pk]))
    assert "Attestée avec corrections par Afi Dogbe" in page.text
    assert "attesté « Trésorière »" in page.text
    assert Application.objects.filter(pk=application.pk).exists()


def test_editing_what_was_attested_drops_the_attestation(volunteer, experience, client):
    request = attestations.ask(experience, actor=volunteer)
    attestations.answer(request, request.secret, answer="confirmed", name="Koffi Mensah")
    client.force_login(volunteer)
    form = {
        "organisation": "Autre structure",
        "country": "TG",
        "start_date": "2020-01-01",
        "end_date": "2024-12-31",
        "role": "Animatrice santé",
        "referee_name": "Koffi Mensah",
        "referee_email": REFEREE,
    }
    client.post(reverse("volunteers:experience_edit", args=[experience.pk]), form)
    assert state(experience) == (AttestationStatus.NONE, None, None, "")
    page = client.get(reverse("volunteers:experiences"))
    assert "attestation à Koffi Mensah" in page.text
