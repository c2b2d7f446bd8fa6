import pytest
from django.urls import reverse

from missions import services
from missions.models import Application
from tests.factories import ApplicationFactory, CallFactory, UserFactory, complete_volunteer

pytestmark = pytest.mark.django_db


def submitted(volunteer, capture, **kwargs):
    application = ApplicationFactory(volunteer=volunteer, **kwargs)
    with capture(execute=True):
        services.submit_application(application, actor=volunteer)
    application.refresh_from_db()
    return application


def test_eligibility_report_in_plain_words_with_links_to_fix(
    volunteer_client, volunteer, django_capture_on_commit_callbacks
):
    complete_volunteer(volunteer)
    volunteer.documents.filter(kind="cv").delete()
    volunteer.experiences.all().delete()
    application = submitted(volunteer, django_capture_on_commit_callbacks)
    assert application.status == "ineligible"

    page = volunteer_client.get(reverse("volunteers:application", args=[application.pk]))

    assert "Votre candidature ne remplit pas encore toutes les conditions." in page.text
    assert "Vous n&#x27;avez déclaré aucune expérience de volontariat." in page.text
    assert "Documents à déposer : CV." in page.text
    assert f'href="{reverse("volunteers:experiences")}">Ajouter une expérience' in page.text
    assert f'href="{reverse("volunteers:documents")}">Déposer les documents' in page.text
    assert [label for _change, label in page.context["timeline"]] == ["Envoyée", "Non éligible"]


def test_english_volunteer_reads_the_report_in_english(client, django_capture_on_commit_callbacks):
    volunteer = complete_volunteer(UserFactory(language="en"))
    application = submitted(volunteer, django_capture_on_commit_callbacks)
    client.force_login(volunteer)
    page = client.get(
        reverse("volunteers:application", args=[application.pk]), headers={"accept-language": "en"}
    )
    assert "Your application meets every condition." in page.text
    assert "Status:" in page.text


def test_withdrawal_asks_for_confirmation_then_withdraws(
    volunteer_client, volunteer, django_capture_on_commit_callbacks
):
    complete_volunteer(volunteer)
    application = submitted(volunteer, django_capture_on_commit_callbacks)
    url = reverse("volunteers:application_withdraw", args=[application.pk])

    confirm = volunteer_client.get(url)
    assert "Oui, retirer ma candidature" in confirm.text
    application.refresh_from_db()
    assert application.status == "eligible"

    volunteer_client.post(url, {"reason": "Je reprends mes études"})
    application.refresh_from_db()
    assert application.status == "withdrawn"
    again = volunteer_client.post(url, follow=True)
    assert application.status == "withdrawn"
    assert "Retirer ma candidature" not in again.text.split("<main", 1)[1]


def test_returned_application_shows_the_reason_and_can_be_resubmitted(
    volunteer_client, volunteer, manager, django_capture_on_commit_callbacks
):
    complete_volunteer(volunteer)
    application = submitted(volunteer, django_capture_on_commit_callbacks)
    services.start_review(application, actor=manager)
    services.return_for_correction(application, actor=manager, reason="Précisez vos dates au Togo.")

    page = volunteer_client.get(reverse("volunteers:application", args=[application.pk]))
    assert "Précisez vos dates au Togo." in page.text
    assert "Corriger et renvoyer" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        volunteer_client.post(reverse("volunteers:application_review", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "eligible"


@pytest.mark.parametrize("count", [1, 50])
def test_my_applications_runs_a_constant_number_of_queries(
    client, count, django_assert_max_num_queries
):
    volunteer = UserFactory()
    for _ in range(count):
        ApplicationFactory(volunteer=volunteer, call=CallFactory(), status="submitted")
    client.force_login(volunteer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("volunteers:applications"))
    assert response.text.count('class="card"') == count


def test_my_applications_lists_only_mine(volunteer_client, volunteer, others_application):
    ApplicationFactory(volunteer=volunteer, call__title="Mon appel")
    page = volunteer_client.get(reverse("volunteers:applications"))
    assert "Mon appel" in page.text
    assert others_application.call.title not in page.text
    assert Application.objects.count() == 2
