from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import services
from notifications.access import get_notification_for_user
from notifications.families import FAMILIES, MANDATORY
from notifications.forms import OpenForm, PreferencesForm
from notifications.models import EmailOptOut, Notification


@login_required
def notification_list(request):
    rows = Notification.objects.visible_to(request.user)[:100]
    return render(request, "notifications/list.html", {"notifications": rows})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_notification_for_user(request.user, pk)
    services.mark_read(notification)
    form = OpenForm(request.POST)
    if notification.link and form.is_valid() and form.cleaned_data["open"]:
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    services.mark_all_read(request.user)
    return redirect("notifications:list")


def unsubscribe(request, token: str):
    """From the link in an e-mail, without logging in: confirm, then stop that family."""
    decoded = services.read_unsubscribe_token(token)
    if decoded is None or decoded[1] in MANDATORY or decoded[1] not in FAMILIES:
        raise Http404
    user_id, family = decoded
    if request.method == "POST":
        services.unsubscribe(user_id=user_id, family=family)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"family": FAMILIES[family], "done": request.method == "POST"},
    )


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.set_email_families(request.user, wanted=set(form.cleaned_data["families"]))
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("notifications:preferences")
        messages.error(request, _("Ce choix n'existe pas : vos préférences sont inchangées."))
    off = set(EmailOptOut.objects.filter(user=request.user).values_list("family", flat=True))
    return render(
        request,
        "notifications/preferences.html",
        {
            "families": [
                (key, label, key not in off) for key, label in form.fields["families"].choices
            ],
            "mandatory": [FAMILIES[key] for key in MANDATORY],
        },
    )
