"""Webhooks: what concerns a partner, told to its own information system through the outbox.

Each event is one outbox row per registered address (`Notification`, channel "webhook"), written
in the transaction of the event and sent after the commit by the same workers, with the same
guarantees as e-mails: a rolled-back event sends nothing, a row is claimed before it is sent (two
workers never send it both), a failure is retried with back-off until NOTIFICATION_MAX_ATTEMPTS,
a killed worker's rows are sent again by the periodic job.

What the partner receives is a POST of JSON:

    {"id": "<delivery id>", "type": "placement.proposed", "created_at": "<ISO 8601>",
     "data": {"placement": 12, ...}}

with the headers `X-ANVT-Event` (the type), `X-ANVT-Delivery` (the id: a delivery sent again
after a lost answer carries the same id, so the receiver can ignore it) and `X-ANVT-Signature:
t=<unix time>,v1=<hex>`, where the hex is HMAC-SHA256(secret, "<t>." + raw body): the scheme of
notifications/sms.py. Events carry ids and states, never a person's data: the receiver reads
the rest through the API with its token.
"""

import http.client
import ipaddress
import json
import socket
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Channel, Notification, State

# The events a partner's address receives, and what each means (shown on its page).
EVENTS = {
    "placement.proposed": _("Une affectation vous est proposée : confirmez-la ou refusez-la."),
    "placement.deadline_approaching": _("La date limite de réponse à une affectation approche."),
    "placement.cancelled": _("Une affectation proposée ou confirmée est annulée."),
    "incoming.validated": _("L'ANVT a validé la déclaration d'un·e volontaire accueilli·e."),
}


def queue(endpoints: Iterable, *, event: str, data: dict, key: str) -> list[Notification]:
    """One delivery of `event` to each of these addresses, once per `key` (a second run of the
    same job adds nothing). Inside the event's transaction; sent once it commits."""
    rows = Notification.objects.bulk_create(rows_for(endpoints, event=event, data=data, key=key))
    if rows:
        # notifications.services imports the backends that import this module: at call time.
        from notifications.services import dispatch

        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: dispatch(ids), robust=True)
    return rows


def rows_for(endpoints: Iterable, *, event: str, data: dict, key: str) -> list[Notification]:
    """The outbox rows of one event (unsaved), less those its key already wrote."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    endpoints = list(endpoints)
    if not endpoints:
        return []
    dedupe_key = f"{event}:{key}"[:120]
    done = set(
        Notification.objects.filter(
            channel=Channel.WEBHOOK, endpoint__in=endpoints, dedupe_key=dedupe_key
        ).values_list("endpoint_id", flat=True)
    )
    now = timezone.now()
    return [
        Notification(
            endpoint=endpoint,
            event=event,
            channel=Channel.WEBHOOK,
            language=settings.LANGUAGE_CODE,
            subject=event,
            body=json.dumps(
                {"id": str(uuid.uuid4()), "type": event, "created_at": now, "data": data},
                cls=DjangoJSONEncoder,
                separators=(",", ":"),
            ),
            link=endpoint.url[:300],
            dedupe_key=dedupe_key,
            created_at=now,
        )
        for endpoint in endpoints
        if endpoint.pk not in done
    ]


def delivery_id(notification: Notification) -> str:
    return json.loads(notification.body)["id"]


def deliveries_of(organisation_id: int):
    """The deliveries to an organisation's addresses, newest first."""
    return (
        Notification.objects.filter(
            channel=Channel.WEBHOOK, endpoint__organisation_id=organisation_id
        )
        .select_related("endpoint")
        .order_by("-created_at", "-pk")
    )


def address_refusal(url: str) -> str:
    """Why the portal will not post to this address, or "" (see `vetted_address`)."""
    return vetted_address(url)[0]


def vetted_address(url: str) -> tuple[str, str]:
    """(why the portal will not post to this address or "", the IP address to post to). HTTPS
    only, and never to this machine or a private network: a partner's address must not reach
    inside ANVT's network. The name is resolved once, here, and the delivery connects to the
    address checked (a name that resolves elsewhere the second time cannot slip through). The
    hosts of WEBHOOK_ALLOWED_PRIVATE_HOSTS (a test receiver on 127.0.0.1) may use HTTP."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return str(_("Adresse invalide.")), ""
    allowed = host in settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS
    if not host or parts.scheme not in (("https", "http") if allowed else ("https",)):
        return str(_("L'adresse doit commencer par https://.")), ""
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return str(_("Cette adresse ne répond pas : son nom de domaine est inconnu.")), ""
    addresses = [info[4][0] for info in infos]
    if not allowed and any(
        not ipaddress.ip_address(address.split("%", 1)[0]).is_global for address in addresses
    ):
        return str(_("Cette adresse mène à un réseau privé : elle est refusée.")), ""
    return "", addresses[0]


class _Pinned:
    """A connection to the address `vetted_address` checked, whatever the name resolves to
    now; TLS still checks the certificate against the name."""

    def __init__(self, ip: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        if isinstance(self, http.client.HTTPSConnection):
            self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    pass


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


def post(url: str, ip: str, body: bytes, headers: dict, timeout: float) -> int:
    """POST the body to the address, connecting to `ip`; the answer's status (no redirect is
    followed: a 3xx is an answer like any other)."""
    parts = urlsplit(url)
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(ip, parts.hostname, parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(1024)
        return response.status
    finally:
        connection.close()


def pending_count(organisation_id: int) -> int:
    return deliveries_of(organisation_id).filter(state__in=(State.PENDING, State.SENDING)).count()
