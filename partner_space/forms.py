from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.integrations import VALIDITY_DAYS
from anvt import phones
from anvt.forms import DateInput
from missions import rules
from missions.models import IncomingVolunteer
from partners.enums import TokenScope
from partners.models import PartnerOrganisation
from volunteers.forms import UploadField


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (transmis à l'ANVT)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif du refus.")},
    )
    shared = forms.BooleanField(
        label=_("Le ou la volontaire peut lire ce motif"),
        required=False,
        help_text=_("Sinon, elle ou il apprend seulement que sa candidature n'est pas retenue."),
    )


class HostDecisionForm(forms.Form):
    """The host structure's contact, through the link: who answers, and why if it declines."""

    name = forms.CharField(
        label=_("Votre nom et votre fonction"),
        max_length=150,
        error_messages={"required": _("Indiquez votre nom.")},
    )
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shared = forms.BooleanField(label=_("Le ou la volontaire peut lire ce motif"), required=False)


class PlacementDateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Rapport"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = UploadField(label=_("Fichier joint (facultatif)"), required=False)


class InterruptForm(forms.Form):
    on = forms.DateField(label=_("Date du retour"), widget=DateInput())
    reason = forms.CharField(
        label=_("Motif de l'interruption"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IncomingInterruptForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'interruption"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IncomingForm(forms.ModelForm):
    class Meta:
        model = IncomingVolunteer
        fields = [
            "first_name",
            "last_name",
            "nationality",
            "birth_date",
            "passport_number",
            "sending_organisation",
            "host_structure",
            "host_structure_name",
            "region",
            "theme",
            "arrival_date",
            "departure_date",
            "emergency_contact_name",
            "emergency_contact_phone",
        ]
        widgets = {
            "birth_date": DateInput(),
            "arrival_date": DateInput(),
            "departure_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_structure"].queryset = PartnerOrganisation.objects.hosts_in_togo().filter(
            active=True
        )
        self.fields["host_structure"].help_text = _(
            "Les structures enregistrées par l'ANVT. Une structure absente de la liste ou dont la "
            "vérification a pris fin est signalée à l'ANVT, qui peut demander des précisions."
        )

    def clean_passport_number(self):
        number = self.cleaned_data["passport_number"].strip().upper().replace(" ", "")
        if not number.isalnum() or not 6 <= len(number) <= 20:
            raise forms.ValidationError(
                _("Numéro de passeport invalide (6 à 20 lettres ou chiffres).")
            )
        return number

    def clean_emergency_contact_phone(self):
        """An incoming volunteer's emergency contact is abroad: the number with its country code
        (a number without one is read as Togolese)."""
        phone = phones.parse(self.cleaned_data["emergency_contact_phone"])
        if phone is None:
            raise forms.ValidationError(
                _(
                    "Numéro invalide : avec l'indicatif du pays, par exemple +33 6 12 34 56 78 "
                    "(un numéro togolais peut s'écrire sans)."
                )
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        arrival, departure = cleaned.get("arrival_date"), cleaned.get("departure_date")
        if arrival and departure and departure < arrival:
            self.add_error("departure_date", _("Le départ précède l'arrivée."))
        if not cleaned.get("host_structure") and not cleaned.get("host_structure_name"):
            self.add_error(
                "host_structure", _("Choisissez la structure d'accueil ou écrivez son nom.")
            )
        refusal = rules.host_region_refusal(cleaned.get("host_structure"), cleaned.get("region"))
        if refusal:
            self.add_error("host_structure", refusal)
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la clé"),
        max_length=80,
        help_text=_("Le système qui l'utilisera, ex. « PLATO production »."),
        error_messages={"required": _("Donnez un nom à la clé.")},
    )
    scope = forms.ChoiceField(
        label=_("Droits"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(
        label=_("Valable"),
        coerce=int,
        initial=90,
        choices=[(days, _("%(days)s jours") % {"days": days}) for days in VALIDITY_DAYS],
    )


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Adresse de réception (https://…)"),
        max_length=300,
        assume_scheme="https",
        error_messages={"required": _("Indiquez l'adresse."), "invalid": _("Adresse invalide.")},
    )
