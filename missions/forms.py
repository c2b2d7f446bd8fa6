from django import forms

from missions.models import Mission, MissionLanguage

MissionLanguageFormSet = forms.inlineformset_factory(
    Mission, MissionLanguage, fields=["language", "level"], extra=2, max_num=6, can_delete=True
)
