"""The reader's choices of messages: which families reach them by e-mail and by SMS, and the
phone number SMS go to (verified by a code). Every role has this page; each sees only the
families written for their roles."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import roles_of
from anvt import phones
from anvt.errors import Refused
from anvt.http import act
from notifications import numbers, services
from notifications.families import FAMILIES, MANDATORY, SMS_FAMILIES, families_for
from notifications.forms import CodeForm, PhoneForm, PreferencesForm
from notifications.models import EmailOptOut, SmsOptIn
from volunteers.models import VolunteerProfile


def _offered(user) -> list[str]:
    return families_for(roles_of(user))


@login_required
def preferences(request):
    offered = _offered(request.user)
    sms_number = numbers.number_of(request.user)
    verified = bool(sms_number and sms_number.number)
    form = PreferencesForm(request.POST or None, offered=offered, sms=verified)
    if request.method == "POST":
        if form.is_valid():
            services.set_email_families(
                request.user, wanted=set(form.cleaned_data["families"]), offered=offered
            )
            if verified:
                services.set_sms_families(
                    request.user, wanted=set(form.cleaned_data["sms_families"])
                )
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("preferences:messages")
        messages.error(request, _("Ce choix n'existe pas : vos préférences sont inchangées."))
    off = set(EmailOptOut.objects.filter(user=request.user).values_list("family", flat=True))
    sms_on = set(SmsOptIn.objects.filter(user=request.user).values_list("family", flat=True))
    can_sms = settings.SMS_ENABLED and bool(SMS_FAMILIES & set(offered))
    return render(
        request,
        "notifications/preferences.html",
        {
            "families": [
                {
                    "key": key,
                    "label": FAMILIES[key],
                    "email": key not in off,
                    "sms_offered": verified and key in SMS_FAMILIES,
                    "sms": key in sms_on,
                }
                for key in offered
                if key not in MANDATORY
            ],
            "mandatory": [FAMILIES[key] for key in MANDATORY],
            "can_sms": can_sms,
            "sms_number": sms_number,
            "portal_number": settings.SMS_NUMBER,
        },
    )


def _region_of(user) -> str:
    country = (
        VolunteerProfile.objects.filter(user=user)
        .values_list("country_of_residence", flat=True)
        .first()
    )
    return str(country or phones.DEFAULT_REGION)


@login_required
def phone(request):
    """Step one, the number (her profile's by default); step two, the code it received."""
    if not settings.SMS_ENABLED or not SMS_FAMILIES & set(_offered(request.user)):
        return redirect("preferences:messages")
    region = _region_of(request.user)
    sms_number = numbers.number_of(request.user)
    if request.method == "POST" and "number" in request.POST:
        form = PhoneForm(request.POST, region=region)
        if form.is_valid() and act(
            request,
            lambda: numbers.send_code(request.user, form.cleaned_data["number"]),
            _("Code envoyé par SMS au %(number)s : il est valable 10 minutes.")
            % {"number": phones.display(form.cleaned_data["number"], region)},
        ):
            return redirect("preferences:phone")
    else:
        profile_phone = (
            VolunteerProfile.objects.filter(user=request.user)
            .values_list("phone", flat=True)
            .first()
        )
        form = PhoneForm(initial={"number": phones.display(profile_phone or "", region)})
    return render(
        request,
        "notifications/phone.html",
        {
            "form": form,
            "code_form": CodeForm(),
            "sms_number": sms_number,
            "pending": phones.display(sms_number.pending_number, region)
            if sms_number and sms_number.pending_number
            else "",
            "region": region,
        },
    )


@login_required
@require_POST
def phone_confirm(request):
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Écrivez le code à 6 chiffres reçu par SMS."))
        return redirect("preferences:phone")
    try:
        number = numbers.confirm_code(request.user, form.cleaned_data["code"])
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("preferences:phone")
    messages.success(
        request,
        _("Le numéro %(number)s est vérifié. Choisissez maintenant les messages reçus par SMS.")
        % {"number": phones.display(number, _region_of(request.user))},
    )
    return redirect("preferences:messages")


@login_required
@require_POST
def phone_forget(request):
    numbers.forget_number(request.user)
    messages.success(request, _("Vous ne recevrez plus de SMS de l'ANVT."))
    return redirect("preferences:messages")


app_name = "preferences"
urlpatterns = [
    path("preferences/", preferences, name="messages"),
    path("telephone/", phone, name="phone"),
    path("telephone/code/", phone_confirm, name="phone_confirm"),
    path("telephone/supprimer/", phone_forget, name="phone_forget"),
]
