from django import forms
from django.utils.translation import gettext_lazy as _

from anvt.forms import DateInput, LanguagePairsFormSet
from missions.models import Mission, MissionLanguage

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

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin précède le début."))
        if cleaned.get("seats") == 0:
            self.add_error("seats", _("Au moins une place."))
        return cleaned


class MissionOfferForm(MissionForm):
    class Meta(MissionForm.Meta):
        fields = [name for name in MissionForm.Meta.fields if name != "partner"]
