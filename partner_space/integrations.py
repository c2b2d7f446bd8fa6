"""The coordinator's page for the organisation's own information system: its API keys, the
addresses its webhooks go to, and what was delivered there (accounts/integrations.py)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import integrations
from anvt.http import act, valid
from notifications import services as notification_services
from notifications import webhooks
from notifications.models import State
from partner_space.access import coordinator_required
from partner_space.forms import ApiTokenForm, WebhookEndpointForm
from partners.models import ApiToken, WebhookEndpoint

# A key or a secret is shown once, on the page the coordinator is sent to after creating it.
SHOWN_ONCE = "anvt_shown_once"


@coordinator_required
def page(request, scope):
    organisation = scope.organisation
    return render(
        request,
        "partners/integrations.html",
        {
            "scope": scope,
            "section": "integrations",
            "shown_once": request.session.pop(SHOWN_ONCE, None),
            "token_form": ApiTokenForm(),
            "endpoint_form": WebhookEndpointForm(),
            "tokens": ApiToken.objects.filter(organisation=organisation).select_related(
                "created_by"
            ),
            "endpoints": WebhookEndpoint.objects.filter(organisation=organisation, active=True),
            "events": webhooks.EVENTS,
            "deliveries": webhooks.deliveries_of(organisation.pk)[:20],
            "failed": webhooks.deliveries_of(organisation.pk).filter(state=State.FAILED).count(),
            "now": timezone.now(),
        },
    )


def _first_error(form) -> str:
    return next((errors[0] for errors in form.errors.values()), "")


@coordinator_required
@require_POST
def token_create(request, scope):
    form = ApiTokenForm(request.POST)

    def create():
        token, key = integrations.create_token(
            scope.organisation, actor=request.user, **valid(form, _first_error(form))
        )
        request.session[SHOWN_ONCE] = {"kind": "key", "name": token.name, "value": key}

    act(request, create, _("Clé créée."))
    return redirect("partners:integrations")


@coordinator_required
@require_POST
def token_revoke(request, scope, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(organisation=scope.organisation), pk=pk)
    if integrations.revoke_token(token, actor=request.user):
        messages.success(request, _("Clé révoquée : elle ne permet plus aucun appel."))
    return redirect("partners:integrations")


@coordinator_required
@require_POST
def endpoint_create(request, scope):
    form = WebhookEndpointForm(request.POST)

    def create():
        values = valid(form, _first_error(form))
        endpoint, secret = integrations.add_endpoint(
            scope.organisation, actor=request.user, url=values["url"]
        )
        request.session[SHOWN_ONCE] = {"kind": "secret", "name": endpoint.url, "value": secret}

    act(request, create, _("Adresse enregistrée."))
    return redirect("partners:integrations")


@coordinator_required
@require_POST
def endpoint_remove(request, scope, pk: int):
    endpoint = get_object_or_404(
        WebhookEndpoint.objects.filter(organisation=scope.organisation, active=True), pk=pk
    )
    integrations.remove_endpoint(endpoint, actor=request.user)
    messages.success(request, _("Adresse retirée : plus rien n'y sera envoyé."))
    return redirect("partners:integrations")


@coordinator_required
@require_POST
def deliveries_retry(request, scope):
    """Send again what failed for good (the system was down longer than the retries)."""
    count = notification_services.retry_failed(webhooks.deliveries_of(scope.organisation.pk))
    messages.success(
        request,
        ngettext(
            "%(count)s envoi en échec est renvoyé.",
            "%(count)s envois en échec sont renvoyés.",
            count,
        )
        % {"count": count},
    )
    return redirect("partners:integrations")
