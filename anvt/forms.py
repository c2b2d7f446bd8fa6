"""Form pieces shared by every space of the portal."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest id a database column holds (PostgreSQL bigint; SQLite integer).
MAX_ID = 2**63 - 1


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not numbers a database can hold, before they reach the query
    (SQLite raises OverflowError on an `IN` with a too large integer)."""

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isdigit() or int(str(pk)) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class DateInput(forms.DateInput):
    """The browser's own date picker, fed and read in ISO format whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LanguagePairsFormSet(forms.BaseInlineFormSet):
    """Rows of (language, level): `chosen()` gives the kept pairs, for a service to save.

    A tampered management form (fewer rows than it says exist, or a negative count) is an error.
    """

    def clean(self):
        super().clean()
        if self.is_bound and self.total_form_count() < self.initial_form_count():
            raise forms.ValidationError(_("Le formulaire est incomplet : rechargez la page."))

    def chosen(self) -> list[tuple[str, str]]:
        """The pairs to keep: those of the rows posted and not deleted, and (as a formset's save
        would) the stored rows that the post did not include."""
        posted = {form.instance.pk for form in self.forms if form.instance.pk}
        untouched = [
            (row.language, row.level) for row in self.get_queryset() if row.pk not in posted
        ]
        return untouched + [
            (form.cleaned_data["language"], form.cleaned_data["level"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("language")
        ]
