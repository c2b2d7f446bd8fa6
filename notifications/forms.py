from django import forms

from notifications.families import FAMILIES, MANDATORY


class PreferencesForm(forms.Form):
    """The optional e-mail families the reader keeps; unknown values are refused."""

    families = forms.MultipleChoiceField(
        choices=[(key, label) for key, label in FAMILIES.items() if key not in MANDATORY],
        required=False,
    )


class OpenForm(forms.Form):
    """Mark as read, and open the notification's link when `open` is set."""

    open = forms.BooleanField(required=False)
