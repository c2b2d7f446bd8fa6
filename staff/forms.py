from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP
from anvt.forms import DateInput, SafeModelMultipleChoiceField
from missions.enums import MissionStatus, Recommendation
from missions.models import Application, Call, Contingent, Mission, Review
from notifications.models import Notification
from partners.models import PartnerOrganisation
from volunteers.enums import DocumentKind, NationalityStatus

SCORE_CHOICES = [(n, str(n)) for n in range(6)]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["motivation", "experience", "skills", "languages", "comment", "recommendation"]
        widgets = {
            **{name: forms.RadioSelect(choices=SCORE_CHOICES) for name in Review.SCORE_FIELDS},
            "comment": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Review.SCORE_FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "score"}),
                initial=getattr(self.instance, name, None),
            )
        # No default: a reviewer chooses, or the form says what is missing.
        self.fields["recommendation"].choices = [("", _("— Choisir —")), *Recommendation.choices]
        self.fields["recommendation"].error_messages["required"] = _(
            "Choisissez une recommandation."
        )


class ShortlistForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi présélectionner avant toutes les évaluations ?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Jours de plus"), min_value=1, max_value=60, initial=7)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())


class CallForm(forms.ModelForm):
    nationality_statuses = forms.MultipleChoiceField(
        label=_("Nationalités acceptées"),
        choices=NationalityStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    required_documents = forms.MultipleChoiceField(
        label=_("Documents demandés"),
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "description",
            "opens_at",
            "closes_at",
            "reference_date",
            "min_age",
            "max_age",
            "min_experience_months",
            "nationality_statuses",
            "required_documents",
            "max_choices",
            "min_reviews",
            "confirmation_days",
            "missions",
            "reviewers",
        ]
        field_classes = {
            "missions": SafeModelMultipleChoiceField,
            "reviewers": SafeModelMultipleChoiceField,
        }
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "reference_date": DateInput(),
            "missions": forms.CheckboxSelectMultiple,
            "reviewers": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missions"].queryset = Mission.objects.filter(
            status__in=[MissionStatus.PUBLISHED, MissionStatus.PROPOSED]
        ).select_related("partner")
        self.fields["reviewers"].queryset = (
            get_user_model()
            .objects.filter(groups__name__in=[REVIEWERS_GROUP, PROGRAMME_MANAGERS_GROUP])
            .distinct()
        )
        self.fields["reviewers"].required = False

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("La clôture doit suivre l'ouverture."))
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("L'âge maximum doit être au moins l'âge minimum."))
        if cleaned.get("max_choices") == 0:
            self.add_error("max_choices", _("Au moins une mission au choix."))
        return cleaned


class ContingentForm(forms.ModelForm):
    class Meta:
        model = Contingent
        fields = ["call", "partner", "name", "capacity", "planned_departure"]
        widgets = {"planned_departure": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerOrganisation.objects.filter(active=True)

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError(_("Un contingent compte au moins une place."))
        return capacity


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire pour le partenaire"),
        max_length=2000,
        error_messages={"required": _("Expliquez au partenaire ce qu'il faut revoir.")},
    )


class ContingentAddForm(forms.Form):
    """A candidate of the contingent's call, for one of the missions they chose."""

    application = forms.ModelChoiceField(queryset=Application.objects.none())
    mission = forms.ModelChoiceField(queryset=Mission.objects.none())

    def __init__(self, *args, contingent: Contingent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(call=contingent.call)
        self.fields["mission"].queryset = Mission.objects.filter(calls=contingent.call)


class OutboxRetryForm(forms.Form):
    """One failed message by its number, or (none given) every failed message of the filters."""

    notification = forms.ModelChoiceField(queryset=Notification.objects.all(), required=False)
    query = forms.CharField(required=False, max_length=2000)
