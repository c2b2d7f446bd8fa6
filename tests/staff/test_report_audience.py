"""The eligibility report and the timeline speak to their audience: the volunteer reads "vous",
staff read the volunteer's name; both application pages render the same partials."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from missions import services
from missions.checking import check_applications
from missions.eligibility import Facts, Rules, evaluate

pytestmark = pytest.mark.django_db

SECOND_PERSON = {
    "fr": re.compile(r"\b(vous|votre|vos|déposez|ajoutez|complétez)\b", re.IGNORECASE),
    "en": re.compile(r"\b(you|your)\b", re.IGNORECASE),
}
REF = date(2026, 2, 28)
MISSION = (date(2026, 9, 1), date(2027, 2, 28))
# Between them, these files give every criterion every outcome it can have.
FILES = [
    Facts(birth_date=None, nationality_status=None),
    Facts(
        birth_date=date(2010, 1, 1),
        nationality_status="foreign",
        experiences=[(date(2025, 1, 1), date(2025, 6, 30))],
        identity_documents=[("passport", date(2025, 1, 1))],
        busy_periods=[(date(2026, 8, 1), None)],
        mission_periods=[MISSION],
    ),
    Facts(
        birth_date=date(1995, 1, 1),
        nationality_status="togolese_resident",
        experiences=[(date(2020, 1, 1), None)],
        identity_documents=[("id_card", None)],
        document_kinds={"cv", "motivation_letter", "experience_certificate"},
        mission_periods=[MISSION],
    ),
    Facts(
        birth_date=date(2003, 5, 17),
        nationality_status="togolese_diaspora",
        experiences=[(date(2020, 1, 1), None)],
        identity_documents=[("passport", date(2031, 1, 1))],
        mission_periods=[MISSION],
    ),
]


def results():
    for facts in FILES:
        yield from evaluate(facts, Rules(reference_date=REF)).criteria.values()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_sentence_about_the_volunteer_names_them_and_never_says_you(language):
    outcomes = set()
    with translation.override(language):
        for result in results():
            outcomes.add((result.code, result.outcome))
            about = result.message_about("Akosua")
            assert not SECOND_PERSON[language].search(about), about
            if SECOND_PERSON[language].search(result.message):
                assert "Akosua" in about, about
            assert result.message_about(None) == result.message
    assert len(outcomes) == 16  # age, experience, nationality, identity: 3 outcomes; the rest: 2


def test_the_volunteer_still_reads_the_second_person():
    facts = Facts(birth_date=date(2000, 3, 12), nationality_status="togolese_resident")
    result = evaluate(facts, Rules(reference_date=REF)).criteria["age"]
    assert result.message == (
        "Vous aurez 26 ans le 12 mars 2026, après la date de référence du 28 février 2026."
    )
    assert result.message_about("Akosua") == (
        "Akosua aura 26 ans le 12 mars 2026, après la date de référence du 28 février 2026."
    )


@pytest.fixture
def reviewed(application, manager):
    """An application with its report and two status changes, the last one made by staff."""
    check_applications([application.pk], job="test")
    services.start_review(application, actor=manager)
    application.refresh_from_db()
    return application


def test_staff_read_the_volunteers_name_and_the_volunteer_reads_vous(client, manager, reviewed):
    client.force_login(manager)
    staff_page = client.get(reverse("staff:application", args=[reviewed.pk])).text
    assert "Akosua aura 26 ans le 17 mai 2029" in staff_page
    assert "Vous aurez" not in staff_page
    assert "Votre " not in staff_page.split('class="criteria"', 1)[1].split("</ul>", 1)[0]
    assert "(Afi Mensah)" in staff_page.split('class="timeline"', 1)[1]

    client.force_login(reviewed.volunteer)
    own_page = client.get(reverse("volunteers:application", args=[reviewed.pk])).text
    assert "Vous aurez 26 ans le 17 mai 2029" in own_page
    assert "Akosua aura" not in own_page
    assert "Afi Mensah" not in own_page.split('class="timeline"', 1)[1]


def test_both_pages_render_the_same_partials(client, manager, reviewed):
    client.force_login(manager)
    staff_page = client.get(reverse("staff:application", args=[reviewed.pk]))
    client.force_login(reviewed.volunteer)
    own_page = client.get(reverse("volunteers:application", args=[reviewed.pk]))

    for page in (staff_page, own_page):
        names = {template.name for template in page.templates}
        assert {"includes/eligibility_report.html", "includes/timeline.html"} <= names
        assert [label for _change, label in page.context["timeline"]] == ["En cours d'examen"]
        assert '<ol class="timeline">' in page.text
        assert '<ul class="criteria">' in page.text


def test_staff_see_the_volunteers_name_in_english_too(client, manager, reviewed):
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    page = client.get(
        reverse("staff:application", args=[reviewed.pk]), headers={"accept-language": "en"}
    )
    assert "Akosua will turn 26 on" in page.text
    assert "You will turn" not in page.text
