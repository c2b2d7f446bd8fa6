"""Alumni follow-up (issue 20, part 3): questionnaires sent 3, 6 and 12 months after the return
by the daily job, answered through a link without signing in, and the figures staff read."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni import followup
from alumni.models import Answer, FollowUp, Question, Questionnaire
from anvt.errors import Refused
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaires(manager):
    made = {}
    for months in (3, 6, 12):
        questionnaire = Questionnaire.objects.create(
            months_after=months, title=f"{months} mois après"
        )
        followup.save_questions(
            questionnaire,
            actor=manager,
            rows=[
                {
                    "text": "Que faites-vous aujourd'hui ?",
                    "kind": "choice",
                    "choices": ["Un emploi", "Des études", "Je cherche"],
                },
                {"text": "La mission vous a-t-elle servi ?", "kind": "scale", "choices": []},
                {"text": "Un mot pour la suite ?", "kind": "text", "choices": []},
            ],
        )
        made[months] = questionnaire
    return made


def test_each_questionnaire_goes_once_when_its_month_comes(completed, questionnaires):
    back = completed.return_date
    assert followup.send_due(back + timedelta(days=80)) == 0
    assert followup.send_due(followup.add_months(back, 3)) == 1
    assert followup.send_due(followup.add_months(back, 3) + timedelta(days=1)) == 0
    # A year on (the job was off for months): the 12-month one only, not the 6-month one too.
    assert followup.send_due(followup.add_months(back, 12)) == 1
    assert sorted(FollowUp.objects.values_list("questionnaire__months_after", flat=True)) == [
        3,
        12,
    ]
    assert followup.send_due(followup.add_months(back, 12) + timedelta(days=3)) == 0
    told = Notification.objects.filter(user=completed.volunteer, event="follow_up", channel="email")
    assert told.count() == 2


def test_she_answers_without_signing_in_once(client, completed, questionnaires):
    followup.send_due(followup.add_months(completed.return_date, 3))
    follow_up = FollowUp.objects.get()
    url = followup.link_path(follow_up)
    page = client.get(url)
    assert page.status_code == 200 and "Que faites-vous aujourd&#x27;hui" in page.text
    first, scale, free = follow_up.questionnaire.questions.all()
    # A choice that is not offered, or a missing mark: refused, nothing saved.
    bad = client.post(url, {f"q{first.pk}": "Astronaute", f"q{scale.pk}": "4"})
    assert bad.status_code == 400 and "réponse proposée" in bad.text
    missing = client.post(url, {f"q{first.pk}": "Un emploi"})
    assert missing.status_code == 400 and "Répondez à" in missing.text
    assert not Answer.objects.exists()
    done = client.post(
        url,
        {f"q{first.pk}": "Un emploi", f"q{scale.pk}": "4", f"q{free.pk}": "Merci !"},
        follow=True,
    )
    assert "sont enregistrées. Merci d" in done.text
    assert Answer.objects.count() == 3
    again = client.post(url, {f"q{first.pk}": "Je cherche", f"q{scale.pk}": "1"}, follow=True)
    assert "sont enregistrées" in again.text
    assert Answer.objects.get(question=first).value == "Un emploi"
    assert client.get(url[:-4] + "abc/").status_code == 404
    with pytest.raises(Refused):
        followup.answer(follow_up, {first.pk: "Je cherche", scale.pk: "2"})


def test_staff_read_rates_per_contingent_and_the_answers_counted(
    completed,
    questionnaires,
    manager_client,
):
    followup.send_due(followup.add_months(completed.return_date, 3))
    followup.send_due(followup.add_months(completed.return_date, 12))
    three = FollowUp.objects.get(questionnaire__months_after=3)
    first, scale, free = three.questionnaire.questions.all()
    followup.answer(three, {first.pk: "Des études", scale.pk: "5", free.pk: "Tout était bien"})
    page = manager_client.get(reverse("staff:follow_ups"))
    assert "1 sur 1" in page.text and "(100" in page.text  # 3 months: answered
    assert "0 sur 1" in page.text  # 12 months: not yet
    [choice, mark, text] = followup.tallies(three.questionnaire)
    assert ("Des études", 1, 100) in choice.counts and mark.mean == 5.0
    assert text.texts == ["Tout était bien"]
    assert "<svg" in page.text and "Tout était bien" in page.text


def test_questions_stay_once_answered(completed, questionnaires, manager):
    followup.send_due(followup.add_months(completed.return_date, 3))
    three = questionnaires[3]
    first, scale, _free = three.questions.all()
    followup.answer(FollowUp.objects.get(), {first.pk: "Un emploi", scale.pk: "3"})
    with pytest.raises(Refused, match="ne changent plus"):
        followup.save_questions(
            three, actor=manager, rows=[{"text": "Autre", "kind": "text", "choices": []}]
        )
    assert Question.objects.filter(questionnaire=three).count() == 3
    assert timezone.now()


def test_the_follow_up_page_reads_as_many_queries_for_1_or_4_contingents(
    completed, questionnaires, manager, manager_client, org_a, coordinator_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.alumni.conftest import complete_a_mission

    url = reverse("staff:follow_ups")

    def count():
        manager_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(url).status_code == 200
        return len(captured)

    followup.send_due(followup.add_months(completed.return_date, 12))
    few = count()
    for _n in range(3):
        complete_a_mission(manager, org_a, coordinator_a)
    followup.send_due(followup.add_months(completed.return_date, 12))
    assert FollowUp.objects.values("placement__contingent").distinct().count() == 4
    assert count() == few
