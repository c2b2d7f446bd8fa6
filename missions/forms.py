from django import forms
from django.utils.translation import gettext_lazy as _

from anvt.forms import DateInput, LanguagePairsFormSet
from missions.models import Mission, MissionLanguage
from partners.enums import OrganisationKind
from partners.models import PartnerOrganisation

MissionLanguageFormSet = forms.inlineformset_factory(
    Mission,
    MissionLanguage,
    formset=LanguagePairsFormSet,
    fields=["language", "level"],
    extra=2,
    max_num=6,
    absolute_max=6,  # a forged TOTAL_FORMS never builds more rows than these
    can_delete=True,
)


class MissionForm(forms.ModelForm):
    """A mission as ANVT edits it; partners propose theirs without choosing the partner."""

    class Meta:
        model = Mission
        fields = [
            "title",
            "description",
            "theme",
            "direction",
            "partner",
            "host",
            "country",
            "city",
            "start_date",
            "end_date",
            "seats",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The host structures ANVT knows, with a contact to ask.
        self.fields["host"].queryset = PartnerOrganisation.objects.filter(
            kind=OrganisationKind.HOST_STRUCTURE, active=True
        )

    def clean(self):
        cleaned = super().clean()
        host = cleaned.get("host")
        if host is not None and not host.contact_email:
            self.add_error(
                "host",
                _("Cette structure n'a pas d'e-mail de contact : l'ANVT doit l'ajouter d'abord."),
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin précède le début."))
        if cleaned.get("seats") == 0:
            self.add_error("seats", _("Au moins une place."))
        return cleaned


class MissionOfferForm(MissionForm):
    class Meta(MissionForm.Meta):
        fields = [name for name in MissionForm.Meta.fields if name != "partner"]


class CorrectionForm(forms.Form):
    """A recorded date, corrected with a reason (missions.placements.correct_date)."""

    event = forms.ChoiceField(
        choices=[
            ("departure", _("Départ")),
            ("arrival", _("Arrivée")),
            ("return", _("Retour")),
        ],
        widget=forms.HiddenInput,
    )
    on = forms.DateField(label=_("Date exacte"), widget=DateInput())
    reason = forms.CharField(
        label=_("Motif de la correction"), max_length=500, widget=forms.TextInput()
    )
