from django import forms
from django.utils.translation import gettext_lazy as _

from anvt import phones
from notifications.families import FAMILIES, MANDATORY, SMS_FAMILIES


class PreferencesForm(forms.Form):
    """Of the families offered to this person, those they receive by e-mail and by SMS; unknown
    values are refused."""

    families = forms.MultipleChoiceField(required=False)
    sms_families = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, offered: list[str], sms: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["families"].choices = [
            (key, FAMILIES[key]) for key in offered if key not in MANDATORY
        ]
        self.fields["sms_families"].choices = [
            (key, FAMILIES[key]) for key in offered if sms and key in SMS_FAMILIES
        ]


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro de téléphone"),
        max_length=32,
        help_text=_("Au Togo : 90 12 34 56. Ailleurs : avec l'indicatif du pays."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, region: str = phones.DEFAULT_REGION, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region

    def clean_number(self):
        number = phones.parse(self.cleaned_data["number"], self.region)
        if number is not None and not phones.receives_sms(number):
            raise forms.ValidationError(
                _("Ce numéro ne reçoit pas de SMS : donnez un numéro de téléphone portable.")
            )
        if number is None:
            raise forms.ValidationError(
                _(
                    "Ce numéro n'existe pas. Au Togo, écrivez ses 8 chiffres (90 12 34 56) ; "
                    "ailleurs, commencez par l'indicatif du pays (+33 6 12 34 56 78)."
                )
            )
        return number


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code reçu par SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


class OpenForm(forms.Form):
    """Mark as read, and open the notification's link when `open` is set."""

    open = forms.BooleanField(required=False)
