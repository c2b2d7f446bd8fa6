import json

import pytest
from django.urls import reverse

from missions.models import Application
from notifications.models import Notification
from notifications.services import notify
from tests.factories import ApplicationFactory, complete_volunteer
from volunteers.models import Document, Experience, VolunteerProfile

pytestmark = pytest.mark.django_db


def test_bell_counts_unread_in_app_notifications(volunteer_client, volunteer):
    notify(
        volunteer, "application_submitted", {"application": ApplicationFactory(volunteer=volunteer)}
    )
    notify(
        volunteer, "application_submitted", {"application": ApplicationFactory(volunteer=volunteer)}
    )
    page = volunteer_client.get(reverse("home"))
    assert 'aria-label="Notifications : 2 non lues"' in page.text
    assert '<span class="badge">2</span>' in page.text


def test_notifications_list_and_mark_as_read(volunteer_client, volunteer):
    application = ApplicationFactory(volunteer=volunteer, call__title="VIR Lyon")
    notify(volunteer, "application_submitted", {"application": application}, link="/espace/")
    in_app = Notification.objects.get(user=volunteer, channel="in_app")

    page = volunteer_client.get(reverse("notifications:list"))
    assert "Candidature envoyée : VIR Lyon" in page.text
    assert Notification.objects.filter(user=volunteer, channel="email").count() == 1
    assert page.text.count('class="card notification') == 1  # e-mail rows are not listed

    response = volunteer_client.post(reverse("notifications:read", args=[in_app.pk]), {"open": "1"})
    assert response["Location"] == "/espace/"
    in_app.refresh_from_db()
    assert in_app.read_at is not None
    assert '<span class="badge">' not in volunteer_client.get(reverse("home")).text


def test_mark_all_as_read(volunteer_client, volunteer):
    for _ in range(3):
        notify(
            volunteer,
            "application_submitted",
            {"application": ApplicationFactory(volunteer=volunteer)},
        )
    volunteer_client.post(reverse("notifications:read_all"))
    assert not Notification.objects.visible_to(volunteer).unread().exists()


def test_another_users_notification_is_404(volunteer_client, other_volunteer):
    notify(
        other_volunteer,
        "application_submitted",
        {"application": ApplicationFactory(volunteer=other_volunteer)},
    )
    theirs = Notification.objects.get(user=other_volunteer, channel="in_app")
    response = volunteer_client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert theirs.subject not in volunteer_client.get(reverse("notifications:list")).text


def test_export_holds_everything_about_me_and_nothing_else(
    volunteer_client, volunteer, others_application
):
    complete_volunteer(volunteer, first_name="Ama", last_name="Koffi")
    ApplicationFactory(volunteer=volunteer, motivation="Ma motivation à moi")
    notify(
        volunteer,
        "application_submitted",
        {"application": Application.objects.get(volunteer=volunteer)},
    )

    response = volunteer_client.get(reverse("volunteers:my_data_export"))

    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees-anvt.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == volunteer.email
    assert (data["profile"]["first_name"], data["profile"]["birth_date"]) == ("Ama", "2003-05-17")
    assert len(data["experiences"]) == 1
    assert sorted(d["kind"] for d in data["documents"]) == [
        "cv",
        "experience_certificate",
        "motivation_letter",
        "passport",
    ]
    assert [a["motivation"] for a in data["applications"]] == ["Ma motivation à moi"]
    assert {n["channel"] for n in data["notifications"]} == {"email", "in_app"}
    assert "Secretname" not in response.text and "secrète" not in response.text


def test_account_deletion_needs_confirmation(volunteer_client, volunteer):
    response = volunteer_client.post(reverse("volunteers:account_delete"))
    assert response.status_code == 400
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_account_deletion_deactivates_then_erases_keeping_statistics(
    client, volunteer, django_capture_on_commit_callbacks
):
    complete_volunteer(volunteer, first_name="Ama", gender="female", region="kara")
    application = ApplicationFactory(
        volunteer=volunteer, motivation="Ma motivation", status="submitted"
    )
    client.force_login(volunteer)
    files = [d.file.name for d in Document.objects.filter(volunteer=volunteer)]
    storage = Document.objects.first().file.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteers:account_delete"), {"confirm": "yes"})

    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session
    volunteer.refresh_from_db()
    assert not volunteer.is_active
    assert volunteer.email == f"erased-{volunteer.pk}@erased.invalid"
    profile = VolunteerProfile.objects.get(user=volunteer)
    assert (profile.first_name, profile.phone, str(profile.birth_date)) == ("", "", "2003-01-01")
    assert (profile.gender, profile.region) == ("female", "kara")
    assert not Experience.objects.filter(volunteer=volunteer).exists()
    assert not Document.objects.filter(volunteer=volunteer).exists()
    assert not any(storage.exists(name) for name in files)
    application.refresh_from_db()
    assert (application.status, application.motivation) == ("withdrawn", "")
    assert (
        client.post(
            reverse("account_login"),
            {"login": "ama@example.tg", "password": "correct horse battery staple"},
        ).status_code
        == 200
    )
    assert "_auth_user_id" not in client.session
