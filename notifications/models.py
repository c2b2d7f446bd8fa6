from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.families import event_label


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("Sur le portail")
    SMS = "sms", _("SMS")
    # A partner's information system: a signed POST to its address (notifications/webhooks.py).
    WEBHOOK = "webhook", _("Webhook")


class State(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", pgettext_lazy("message", "Envoyée")
    FAILED = "failed", _("Échec")
    # An SMS gateway's delivery receipt: on the phone, or given up by the network.
    DELIVERED = "delivered", _("Distribuée")
    UNDELIVERED = "undelivered", _("Non distribuée")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, channel=Channel.IN_APP)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user on one channel. This table is the outbox: rows are written in
    the transaction of the event, and sent after it commits."""

    # None for a person without an account (a host structure's contact): `to_address` then.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("destinataire"),
    )
    event = models.CharField(_("événement"), max_length=64)
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("langue"), max_length=8)
    # An account e-mail may go to an address other than the user's own (a new address to verify).
    to_address = models.EmailField(_("adresse"), blank=True)
    # A webhook's address and secret; the body is then the JSON document it receives.
    endpoint = models.ForeignKey(
        "partners.WebhookEndpoint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("adresse de webhook"),
    )
    # An SMS's number, in E.164 (the verified number, or the number a code verifies).
    to_number = models.CharField(_("numéro"), max_length=16, blank=True)
    # What the bell and the notifications page show: a title (the subject), one or two
    # sentences, and the one action the reader takes (the label of the link).
    subject = models.CharField(_("objet"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=400, blank=True)
    action_label = models.CharField(_("action"), max_length=80, blank=True)
    body = models.TextField(_("message"))
    body_html = models.TextField(_("message HTML"), blank=True)
    link = models.CharField(_("lien"), max_length=300, blank=True)
    state = models.CharField(
        _("état"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    # The gateway's id of an SMS, which its delivery receipt names.
    provider_id = models.CharField(_("identifiant chez l'opérateur"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    # Reminders and other once-only messages name what they are about, so that a second run of
    # the same job finds the row and adds nothing.
    dedupe_key = models.CharField(_("clé d'unicité"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("distribuée le"), null=True, blank=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"]),
            models.Index(fields=["state", "created_at"], name="notification_outbox"),
            models.Index(
                fields=["provider_id"],
                condition=~Q(provider_id=""),
                name="notification_provider_id",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
            models.UniqueConstraint(
                fields=["to_address", "channel", "dedupe_key"],
                condition=Q(user__isnull=True, endpoint__isnull=True) & ~Q(dedupe_key=""),
                name="notification_once_per_key_without_account",
            ),
            models.UniqueConstraint(
                fields=["endpoint", "dedupe_key"],
                condition=Q(endpoint__isnull=False) & ~Q(dedupe_key=""),
                name="notification_webhook_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | (~Q(to_address="") & Q(channel="email"))
                | (Q(endpoint__isnull=False) & Q(channel="webhook")),
                name="notification_without_account_is_email_or_webhook",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.user}: {self.subject}"

    @property
    def event_label(self) -> str:
        return event_label(self.event)


class EmailOptOut(models.Model):
    """A user who chose not to receive the e-mails of one family (the in-app message stays)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_opt_outs",
        verbose_name=_("utilisateur"),
    )
    family = models.CharField(_("famille de messages"), max_length=20)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("désabonnement")
        verbose_name_plural = _("désabonnements")
        constraints = [
            models.UniqueConstraint(fields=["user", "family"], name="opt_out_once_per_family"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✗ {self.family}"


class SmsNumber(models.Model):
    """The phone number a person receives SMS on: `number` once its code was entered, and the
    number waiting for its code. A number is verified for one account at a time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sms_number",
        verbose_name=_("utilisateur"),
    )
    number = models.CharField(_("numéro vérifié"), max_length=16, blank=True)
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    pending_number = models.CharField(_("numéro à vérifier"), max_length=16, blank=True)
    code_hash = models.CharField(_("empreinte du code"), max_length=64, blank=True)
    code_sent_at = models.DateTimeField(_("code envoyé le"), null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(_("essais du code"), default=0)

    class Meta:
        verbose_name = _("numéro pour les SMS")
        verbose_name_plural = _("numéros pour les SMS")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="sms_number_verified_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.number or self.pending_number}"


class SmsOptIn(models.Model):
    """A family of messages the person also receives by SMS (off unless chosen)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sms_opt_ins",
        verbose_name=_("utilisateur"),
    )
    family = models.CharField(_("famille de messages"), max_length=20)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement SMS")
        verbose_name_plural = _("abonnements SMS")
        constraints = [
            models.UniqueConstraint(fields=["user", "family"], name="sms_opt_in_once_per_family"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✓ {self.family}"


class InboundOutcome(models.TextChoices):
    ANSWERED = "answered", _("Réponse envoyée")
    UNKNOWN_NUMBER = "unknown_number", _("Numéro inconnu ou non vérifié")
    UNKNOWN_KEYWORD = "unknown_keyword", _("Mot-clé inconnu")
    RATE_LIMITED = "rate_limited", _("Trop de demandes")


class InboundSms(models.Model):
    """An SMS received through the gateway's webhook, once (its id): what was asked and what
    was done, not the text itself."""

    provider_id = models.CharField(_("identifiant chez l'opérateur"), max_length=100, unique=True)
    from_number = models.CharField(_("expéditeur"), max_length=16, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    keyword = models.CharField(_("mot-clé"), max_length=20, blank=True)
    outcome = models.CharField(_("suite donnée"), max_length=16, choices=InboundOutcome.choices)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("SMS reçu")
        verbose_name_plural = _("SMS reçus")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.from_number} · {self.keyword} · {self.get_outcome_display()}"
