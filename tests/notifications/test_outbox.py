"""The outbox without a worker: tasks run in-process (the worker tests cover the real thing)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from missions import reminders, services
from missions.models import Placement
from notifications.models import EmailOptOut, Notification
from notifications.services import (
    deliver,
    notify,
    retry_failed,
    unsubscribe_url,
)
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ContingentFactory,
    DocumentFactory,
    UserFactory,
)
from tests.flaky_email import FlakyEmailBackend

pytestmark = pytest.mark.django_db


def welcome(user, capture):
    with capture(execute=True):
        notify(user, "account_created", link="/espace/")
    return Notification.objects.get(user=user, channel="email")


def test_an_event_writes_one_row_per_channel_in_the_recipients_language(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="en")
    email = welcome(user, django_capture_on_commit_callbacks)
    in_app = Notification.objects.get(user=user, channel="in_app")
    assert (email.language, email.state, email.attempts) == ("en", "sent", 1)
    assert (in_app.state, in_app.read_at) == ("sent", None)
    assert mail.outbox[0].subject == "Welcome to the International Reciprocity Volunteering portal"
    assert "<html" in mail.outbox[0].alternatives[0].content


def test_signing_up_sends_only_the_confirmation_and_confirming_welcomes(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@example.tg",
            "password1": "Un-mot-de-passe-2026",
            "password2": "Un-mot-de-passe-2026",
        },
    )
    # Nothing but the address verification before the address is confirmed.
    [confirmation] = Notification.objects.all()
    assert (confirmation.event, confirmation.channel) == ("account_email", "email")
    key = EmailConfirmationHMAC(EmailAddress.objects.get()).key
    response = client.post(reverse("account_confirm_email", args=[key]))
    # Confirmed in the browser she signed up in: signed in, in her space, welcomed there.
    assert response["Location"] == reverse("volunteers:dashboard")
    assert client.get(response["Location"]).status_code == 200
    assert list(
        Notification.objects.filter(event="account_created")
        .order_by("pk")
        .values_list("channel", "language", "link")
    ) == [("in_app", "fr", "/espace/"), ("email", "fr", "/espace/")]


def test_account_emails_wait_out_an_smtp_outage_instead_of_failing_the_page(
    client, settings, volunteer, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.flaky_email.DeadEmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        signup = client.post(
            reverse("account_signup"),
            {
                "email": "nouvelle@example.tg",
                "password1": "Un-mot-de-passe-2026",
                "password2": "Un-mot-de-passe-2026",
            },
        )
        reset = client.post(reverse("account_reset_password"), {"email": volunteer.email})
    assert (signup.status_code, reset.status_code) == (302, 302)
    # Kept in the outbox (retried with back-off; here eager tasks retry at once until failed).
    waiting = Notification.objects.filter(event="account_email").order_by("pk")
    assert [n.to_address for n in waiting] == ["nouvelle@example.tg", volunteer.email]
    assert all("SMTPServerDisconnected" in n.last_error for n in waiting)
    assert not mail.outbox

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed(waiting)  # what a programme manager does from the outbox page
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["nouvelle@example.tg", volunteer.email])


def test_a_rolled_back_event_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(user, "account_created")
                raise RuntimeError("the event failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_refused_messages_are_retried_then_sent(settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "tests.flaky_email.FlakyEmailBackend"}}
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0
    FlakyEmailBackend.refusals_left = 2
    email = welcome(UserFactory(), django_capture_on_commit_callbacks)
    assert (email.state, email.attempts, email.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1


def test_a_message_is_marked_failed_after_the_last_attempt(
    settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.flaky_email.DeadEmailBackend"}}
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    email = welcome(UserFactory(), django_capture_on_commit_callbacks)
    assert (email.state, email.attempts) == ("failed", 3)
    assert email.last_error == "SMTPServerDisconnected: Connection refused"
    assert mail.outbox == []


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        notify(user, "account_created")
    email = Notification.objects.get(user=user, channel="email")
    assert deliver([email.pk]).sent == [email.pk]
    assert deliver([email.pk]).sent == []
    assert len(mail.outbox) == 1


def test_the_periodic_job_sends_what_was_never_queued_and_releases_dead_claims(
    settings, django_capture_on_commit_callbacks
):
    from notifications.tasks import resend_pending

    settings.NOTIFICATION_RESEND_AFTER_SECONDS = 60
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):  # the task was lost
        notify(user, "account_created")
        notify(user, "application_submitted", {"application": ApplicationFactory(volunteer=user)})
    old = timezone.now() - timedelta(minutes=30)
    lost, claimed = Notification.objects.filter(channel="email").order_by("pk")
    Notification.objects.filter(pk=lost.pk).update(created_at=old)
    Notification.objects.filter(pk=claimed.pk).update(
        created_at=old, state="sending", claimed_at=old
    )

    resend_pending()

    assert set(Notification.objects.filter(channel="email").values_list("state", flat=True)) == {
        "sent"
    }
    assert len(mail.outbox) == 2
    resend_pending()
    assert len(mail.outbox) == 2


def test_opted_out_families_are_not_emailed_but_stay_in_app(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    EmailOptOut.objects.create(user=user, family="applications")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "application_submitted", {"application": ApplicationFactory(volunteer=user)})
        notify(user, "account_created")
    assert sorted(Notification.objects.values_list("event", "channel")) == [
        ("account_created", "email"),
        ("account_created", "in_app"),
        ("application_submitted", "in_app"),
    ]


def test_unsubscribe_link_in_the_email_stops_that_family(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "application_submitted", {"application": ApplicationFactory(volunteer=user)})
    url = unsubscribe_url(user, "application_submitted")
    assert url in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == f"<{url}>"
    path = url.split("8000", 1)[1]
    assert client.get(path).status_code == 200
    assert not EmailOptOut.objects.exists()  # a GET (link preview) changes nothing
    client.post(path)
    assert list(EmailOptOut.objects.values_list("user", "family")) == [(user.pk, "applications")]
    assert unsubscribe_url(user, "account_created") == ""
    assert client.get("/notifications/desabonnement/forged-token/").status_code == 404


def test_preferences_page_turns_families_on_and_off(client, volunteer):
    client.force_login(volunteer)
    client.post(reverse("preferences:messages"), {"families": ["applications"]})
    assert list(EmailOptOut.objects.values_list("family", flat=True)) == ["reminders"]
    page = client.get(reverse("preferences:messages"))
    assert 'value="reminders">' in page.text and 'value="applications" checked' in page.text


def test_draft_reminder_fires_once(django_capture_on_commit_callbacks):
    closing = CallFactory(closes_at=timezone.now() + timedelta(days=2))
    later = CallFactory(closes_at=timezone.now() + timedelta(days=20))
    draft = ApplicationFactory(call=closing)
    ApplicationFactory(call=later)
    ApplicationFactory(call=closing, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_all()
        second = reminders.send_all()
    assert first["draft"] == 2 and second["draft"] == 0  # in-app and e-mail, once
    assert set(
        Notification.objects.filter(event="draft_reminder").values_list("user", flat=True)
    ) == {draft.volunteer_id}
    assert len([m for m in mail.outbox if "brouillon" in m.body]) == 1


def test_identity_document_expiring_before_departure_is_reminded_once(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory(status="selected")
    mission = application.call.missions.get()
    departure = timezone.localdate() + timedelta(days=40)
    Placement.objects.create(
        contingent=ContingentFactory(
            call=application.call, status="confirmed", planned_departure=departure
        ),
        application=application,
        volunteer=application.volunteer,
        mission=mission,
        status="confirmed",
    )
    expiring = DocumentFactory(
        volunteer=application.volunteer, kind="passport", expiry_date=departure - timedelta(days=1)
    )
    DocumentFactory(
        volunteer=application.volunteer, kind="id_card", expiry_date=departure + timedelta(days=400)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_all()["document_expiry"] == 2
        assert reminders.send_all()["document_expiry"] == 0
    assert Notification.objects.get(channel="email", event="document_expiry").dedupe_key.startswith(
        f"document_expiry:{expiring.pk}:"
    )


def test_staff_see_the_outbox_and_retry_failures(
    client, manager, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.flaky_email.DeadEmailBackend"}}
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    welcome(UserFactory(email="echec@example.tg"), django_capture_on_commit_callbacks)
    client.force_login(manager)
    page = client.get(reverse("staff:outbox"), {"state": "failed"})
    assert "echec@example.tg" in page.text and "SMTPServerDisconnected" in page.text

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:outbox_retry"), {"state": "failed"})
    assert Notification.objects.get(channel="email").state == "sent"
    assert len(mail.outbox) == 1


def test_outbox_page_is_for_managers_only(client, reviewer, volunteer):
    for user in (reviewer, volunteer):
        client.force_login(user)
        assert client.get(reverse("staff:outbox")).status_code == 404


@pytest.mark.parametrize("count", [2, 30])
def test_outbox_page_runs_a_constant_number_of_queries(
    client, manager, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(count):
            notify(UserFactory(), "account_created")
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("staff:outbox"))
    assert len(page.context["page"]) == min(count * 2, 50)


def test_withdrawal_and_partner_decline_notify_the_volunteer(
    manager, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(status="eligible")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(application, actor=application.volunteer)
    assert [m.subject for m in mail.outbox] == ["Votre candidature : Retirée"]


def test_a_status_change_is_told_in_the_recipients_language_not_the_actors(
    manager, django_capture_on_commit_callbacks
):
    from django.utils import translation

    application = ApplicationFactory(status="eligible", volunteer=UserFactory(language="en"))
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.start_review(application, actor=manager)
        services.shortlist(application, actor=manager, reason="Comité du 3 mars")
    assert [m.subject for m in mail.outbox] == ["Your application: Shortlisted"]
    assert "is now: Shortlisted." in mail.outbox[0].body


def test_an_unsubscribe_link_of_a_deleted_account_answers_404_and_changes_nothing(client):
    user = UserFactory()
    path = unsubscribe_url(user, "application_submitted").split("8000", 1)[1]
    user.delete()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert not EmailOptOut.objects.exists()
