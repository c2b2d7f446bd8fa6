from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from anvt.forms import DateInput
from mobility.models import ChecklistItem
from volunteers.forms import UploadField


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = [
            "country",
            "position",
            "label_fr",
            "label_en",
            "help_fr",
            "help_en",
            "owner",
            "needs_document",
            "needs_date",
            "days_before_departure",
            "is_workshop",
            "active",
        ]
        widgets = {
            "help_fr": forms.Textarea(attrs={"rows": 2}),
            "help_en": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_days_before_departure(self):
        days = self.cleaned_data["days_before_departure"]
        if days > 365:
            raise forms.ValidationError(_("Au plus un an avant le départ."))
        return days


class CopyChecklistForm(forms.Form):
    source = forms.ChoiceField(label=_("Copier la liste de"))
    target = forms.ChoiceField(label=_("pour le pays"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From a country that has a list, to any country (chosen on purpose: no default).
        have = set(ChecklistItem.objects.values_list("country", flat=True))
        self.fields["source"].choices = [(c, n) for c, n in countries if c in have]
        self.fields["target"].choices = [("", "—"), *countries]


class ItemForm(forms.Form):
    """What completes an item: its date, its document, as its checklist asks."""

    date_value = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    file = UploadField(label=_("Pièce"), required=False)

    def first_error(self) -> str:
        """What is wrong, as the field says it (a file's type or size), for the page's message."""
        for errors in self.errors.values():
            return errors[0]
        return _("Vérifiez la date et la pièce.")


class WorkshopForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date et heure"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Lieu"), max_length=200)
    seats = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Présent·e·s"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (invitation.pk, str(invitation.placement.volunteer)) for invitation in invitations
        ]


class DepartureForm(forms.Form):
    """A departure, and the reason to record it while the file is not complete."""

    on = forms.DateField(label=_("Date"), widget=DateInput())
    override = forms.CharField(
        label=_("Partir quand même : pourquoi ?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
