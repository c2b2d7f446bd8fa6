from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from missions.models import Application
from tests.factories import ApplicationFactory, complete_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_client(client, volunteer):
    complete_volunteer(volunteer)
    client.force_login(volunteer)
    return client


def start(client, call):
    response = client.post(reverse("volunteers:apply", args=[call.pk]))
    application = Application.objects.get(call=call)
    assert response["Location"] == reverse("volunteers:application_missions", args=[application.pk])
    return application


def test_apply_in_three_steps_with_a_draft_saved_at_each(
    ready_client, open_call, django_capture_on_commit_callbacks
):
    missions = list(open_call.missions.order_by("pk"))
    application = start(ready_client, open_call)

    ready_client.post(
        reverse("volunteers:application_missions", args=[application.pk]),
        {"choice_1": missions[2].pk, "choice_2": missions[0].pk, "choice_3": ""},
    )
    assert list(application.choices.values_list("mission_id", "rank")) == [
        (missions[2].pk, 1),
        (missions[0].pk, 2),
    ]

    page = ready_client.get(reverse("volunteers:application_motivation", args=[application.pk]))
    assert "0 caractères" in page.text
    ready_client.post(
        reverse("volunteers:application_motivation", args=[application.pk]),
        {"motivation": "J'anime depuis trois ans des ateliers de prévention à Kpalimé."},
    )
    application.refresh_from_db()
    assert application.motivation.startswith("J'anime") and application.status == "draft"

    summary = ready_client.get(reverse("volunteers:application_review", args=[application.pk]))
    assert missions[2].title in summary.text and "depuis trois ans des ateliers" in summary.text
    with django_capture_on_commit_callbacks(execute=True):
        response = ready_client.post(
            reverse("volunteers:application_review", args=[application.pk])
        )
    assert response["Location"] == reverse("volunteers:application", args=[application.pk])
    application.refresh_from_db()
    assert application.status == "eligible"
    assert [m.subject for m in mail.outbox][-1] == "Votre candidature est éligible"


def test_too_short_motivation_is_refused(ready_client, open_call):
    application = start(ready_client, open_call)
    response = ready_client.post(
        reverse("volunteers:application_motivation", args=[application.pk]),
        {"motivation": "Trop court"},
    )
    assert "Assurez-vous que cette valeur comporte au moins 50 caractères" in response.text
    application.refresh_from_db()
    assert application.motivation == ""


def test_same_mission_twice_is_refused(ready_client, open_call):
    mission = open_call.missions.first()
    application = start(ready_client, open_call)
    response = ready_client.post(
        reverse("volunteers:application_missions", args=[application.pk]),
        {"choice_1": mission.pk, "choice_2": mission.pk},
    )
    assert "Chaque mission ne peut être choisie qu&#x27;une fois." in response.text
    assert not application.choices.exists()


def test_a_mission_of_another_call_cannot_be_chosen(ready_client, open_call):
    other = ApplicationFactory().call.missions.get()
    application = start(ready_client, open_call)
    response = ready_client.post(
        reverse("volunteers:application_missions", args=[application.pk]), {"choice_1": other.pk}
    )
    assert "Sélectionnez un choix valide" in response.text
    assert not application.choices.exists()


def test_submitting_after_the_call_closes_is_refused(ready_client, open_call):
    application = start(ready_client, open_call)
    ready_client.post(
        reverse("volunteers:application_missions", args=[application.pk]),
        {"choice_1": open_call.missions.first().pk},
    )
    type(open_call).objects.filter(pk=open_call.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )

    response = ready_client.post(
        reverse("volunteers:application_review", args=[application.pk]), follow=True
    )

    assert "L&#x27;appel à candidatures est clos" in response.text
    application.refresh_from_db()
    assert application.status == "draft"


def test_one_application_per_call(ready_client, open_call):
    first = start(ready_client, open_call)
    again = ready_client.post(reverse("volunteers:apply", args=[open_call.pk]))
    assert again["Location"] == reverse("volunteers:application_missions", args=[first.pk])
    assert Application.objects.filter(call=open_call).count() == 1


def test_a_submitted_application_cannot_be_edited(ready_client, volunteer, open_call):
    application = ApplicationFactory(volunteer=volunteer, call=open_call, status="submitted")
    response = ready_client.post(
        reverse("volunteers:application_missions", args=[application.pk]),
        {"choice_1": open_call.missions.last().pk},
    )
    assert response["Location"] == reverse("volunteers:application", args=[application.pk])
    assert list(application.choices.values_list("rank", flat=True)) == [1]
    assert application.choices.get().mission == open_call.missions.first()


@pytest.mark.parametrize(
    "url_name",
    [
        "volunteers:application",
        "volunteers:application_missions",
        "volunteers:application_motivation",
        "volunteers:application_review",
        "volunteers:application_withdraw",
    ],
)
def test_another_volunteers_application_is_404(volunteer_client, others_application, url_name):
    for method in (volunteer_client.get, volunteer_client.post):
        response = method(reverse(url_name, args=[others_application.pk]))
        assert response.status_code == 404
        assert "secrète" not in response.text and "Secretname" not in response.text
    others_application.refresh_from_db()
    assert others_application.status == "submitted"
