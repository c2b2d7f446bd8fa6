"""Channels deliver notifications. Each is a small class named in settings.NOTIFICATION_BACKENDS,
so that an SMS gateway is chosen by configuration: a class with `send(notifications, on_sent)`."""

import http.client
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.urls import reverse
from django.utils.module_loading import import_string

from notifications import sms, webhooks

logger = logging.getLogger(__name__)


class Backend:
    def send(self, notifications, on_sent, keep_alive=lambda: None) -> dict[int, str]:
        """Deliver each notification, calling on_sent(notification, provider_id="") as soon as
        one is handed over and keep_alive() before each attempt; return {id: error text} for
        those that failed."""
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
            if not notification.to_number:
                errors[notification.pk] = "no verified phone number"
                continue
            # Development only (settings.SMS_ENABLED is off in production with this backend):
            # the developer reads the codes here.
            logger.info("SMS to %s: %s", notification.to_number, notification.body)
            on_sent(notification, provider_id=f"console-{notification.pk}")
        return errors


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the bearer key to another host: it is an error, never followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


class HttpSmsBackend(Backend):
    """A real provider's HTTP API (SMS_GATEWAY_URL, SMS_GATEWAY_KEY): one POST per SMS,

        {"to": "+22890123456", "from": SMS_SENDER, "text": "…", "reference": "<row id>",
         "callback_url": "<SITE_URL>/sms/accuses/"}

    with `Authorization: Bearer <key>` and an `Idempotency-Key` naming the row, so that a retry
    after a lost answer is not sent twice by a gateway that honours it. A 2xx answer carries
    {"id": "<the gateway's id>"}, which delivery receipts name. Anything else is an error that
    the outbox retries with back-off."""

    def send(self, notifications, on_sent, keep_alive=lambda: None):
        errors = {}
        url = settings.SMS_GATEWAY_URL
        if not url:
            return {n.pk: "SMS_GATEWAY_URL is not set" for n in notifications}
        callback = f"{settings.SITE_URL}{reverse('sms_receipts')}"
        for notification in notifications:
            keep_alive()
            if not notification.to_number:
                errors[notification.pk] = "no verified phone number"
                continue
            payload = {
                "to": notification.to_number,
                "from": settings.SMS_SENDER,
                "text": notification.body,
                "reference": str(notification.pk),
                "callback_url": callback,
            }
            request = urllib.request.Request(  # noqa: S310 (an https URL from settings)
                url,
                data=json.dumps(payload).encode(),
                method="POST",
                headers={
                    "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"anvt-notification-{notification.pk}",
                },
            )
            try:
                with _NO_REDIRECTS.open(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
                    answer = json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as exc:
                errors[notification.pk] = f"gateway answered {exc.code}"
            except (OSError, ValueError) as exc:
                errors[notification.pk] = f"{type(exc).__name__}: {exc}"[:2000]
            else:
                on_sent(notification, provider_id=str(answer.get("id", ""))[:100])
        return errors


def backend_for(channel: str) -> Backend:
    return import_string(settings.NOTIFICATION_BACKENDS[channel])()


class WebhookBackend(Backend):
    """A partner's information system (notifications/webhooks.py): one signed POST of the row's
    JSON per delivery. A 2xx answer is a delivery; anything else (an error, a redirect, a timeout)
    is retried with back-off by the outbox."""

    def send(self, notifications, on_sent, keep_alive=lambda: None):
        errors = {}
        for notification in notifications:
            keep_alive()
            endpoint = notification.endpoint
            if endpoint is None or not endpoint.active:
                errors[notification.pk] = "the address was removed"
                continue
            refusal, ip = webhooks.vetted_address(endpoint.url)
            if refusal:
                errors[notification.pk] = refusal
                continue
            body = notification.body.encode()
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "ANVT-webhooks/1",
                "X-ANVT-Event": notification.event,
                "X-ANVT-Delivery": webhooks.delivery_id(notification),
                sms.SIGNATURE_HEADER: sms.sign(endpoint.secret, body),
            }
            try:
                status = webhooks.post(endpoint.url, ip, body, headers, settings.WEBHOOK_TIMEOUT)
            except (OSError, http.client.HTTPException) as exc:
                errors[notification.pk] = f"{type(exc).__name__}: {exc}"[:2000]
                continue
            if 200 <= status < 300:
                on_sent(notification)
            else:
                errors[notification.pk] = f"answered {status}"
        return errors
