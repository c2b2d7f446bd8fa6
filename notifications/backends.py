"""Channels deliver notifications. Each is a small class named in settings.NOTIFICATION_BACKENDS,
so that an SMS gateway can be added by configuration: a class with `send(notifications)`."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Backend:
    def send(self, notifications, on_sent, keep_alive=lambda: None) -> dict[int, str]:
        """Deliver each notification, calling on_sent(notification) as soon as one is handed
        over and keep_alive() before each attempt; return {id: error text} for those that
        failed."""
        raise NotImplementedError


class EmailBackend(Backend):
    """Through Django's default mailer, one connection for the whole batch."""

    def send(self, notifications, on_sent, keep_alive=lambda: None):
        errors = {}
        connection = mailers.default
        try:
            connection.open()
        except Exception as exc:
            # The server refused the connection or greeted with an error (421): every message of
            # the batch goes back to the outbox with that error, to be retried with back-off.
            error = f"{type(exc).__name__}: {exc}"[:2000]
            return {notification.pk: error for notification in notifications}
        try:
            for notification in notifications:
                keep_alive()
                message = EmailMultiAlternatives(
                    subject=notification.subject,
                    body=notification.body,
                    to=[notification.to_address or notification.user.email],
                    headers=_headers(notification),
                    connection=connection,
                )
                if notification.body_html:
                    message.attach_alternative(notification.body_html, "text/html")
                try:
                    connection.send_messages([message])
                except Exception as exc:
                    errors[notification.pk] = f"{type(exc).__name__}: {exc}"[:2000]
                else:
                    on_sent(notification)
        finally:
            try:
                connection.close()
            except Exception:
                logger.warning("outbox: the mail connection did not close cleanly", exc_info=True)
        return errors


def _headers(notification) -> dict[str, str]:
    # notifications.services picks its backend here: imported at call time to break the loop.
    from notifications.services import unsubscribe_url

    url = unsubscribe_url(notification.user, notification.event) if notification.user else ""
    headers = {"X-ANVT-Notification": str(notification.pk)}
    if url:
        headers["List-Unsubscribe"] = f"<{url}>"
    return headers


class ConsoleSmsBackend(Backend):
    """Development stand-in for an SMS gateway: writes each SMS to the log."""

    def send(self, notifications, on_sent, keep_alive=lambda: None):
        errors = {}
        for notification in notifications:
            profile = getattr(notification.user, "volunteer_profile", None)
            phone = getattr(profile, "phone", "")
            if not phone:
                errors[notification.pk] = "no phone number"
                continue
            text = f"{notification.subject} — {notification.body}"[:160]
            logger.info("SMS to %s: %s", phone, text)
            on_sent(notification)
        return errors


def backend_for(channel: str) -> Backend:
    return import_string(settings.NOTIFICATION_BACKENDS[channel])()
