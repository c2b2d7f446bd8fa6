"""Form pieces shared by every space of the portal."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker, fed and read in ISO format whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LanguagePairsFormSet(forms.BaseInlineFormSet):
    """Rows of (language, level): `chosen()` gives the kept pairs, for a service to save."""

    def chosen(self) -> list[tuple[str, str]]:
        return [
            (form.cleaned_data["language"], form.cleaned_data["level"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("language")
        ]
