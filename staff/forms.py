from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP
from alumni.enums import QuestionKind
from anvt import phones
from anvt.forms import DateInput, SafeModelMultipleChoiceField
from missions.enums import MissionStatus, Recommendation
from missions.models import Application, Call, Contingent, Mission
from notifications.models import Notification
from partners.enums import OrganisationKind
from partners.models import Agreement, PartnerOrganisation
from reciprocity.services import AGREEMENT_FIELDS, HOST_FIELDS, agreement_refusal
from selection.enums import ConflictKind, DecisionReason, Outcome
from volunteers.enums import DocumentKind, NationalityStatus


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MarksForm(forms.Form):
    """One mark per criterion of a call's grid, each from 0 to its maximum (the reviews and the
    selection committee). The marks' fields are named after the criteria's keys."""

    def __init__(self, *args, grid, marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        marks = marks or {}
        for criterion in grid:
            self.fields[criterion.key] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[(n, str(n)) for n in range(criterion.max_score + 1)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "score"}),
                initial=marks.get(criterion.key),
                error_messages={
                    "required": _("Notez ce critère."),
                    "invalid_choice": _("Cette note n'est pas dans la grille."),
                },
            )
            self.fields[criterion.key].max_score = criterion.max_score
            self.fields[criterion.key].weight = criterion.weight

    def marks(self) -> dict[str, int]:
        return {criterion.key: self.cleaned_data[criterion.key] for criterion in self.grid}

    def mark_fields(self):
        return [self[criterion.key] for criterion in self.grid]


class ReviewForm(MarksForm):
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommandation"),
        choices=[("", _("— Choisir —")), *Recommendation.choices],
        error_messages={"required": _("Choisissez une recommandation.")},
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, marks=review.scores if review else None, **kwargs)
        if review is not None:
            self.fields["comment"].initial = review.comment
            self.fields["recommendation"].initial = review.recommendation


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
            "require_attested_experience",
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


# The selection committee -------------------------------------------------------------------------


class CriterionForm(forms.Form):
    key = forms.SlugField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Critère"), max_length=80)
    description = forms.CharField(
        label=_("Ce qui est apprécié"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.IntegerField(label=_("Coefficient"), min_value=1, max_value=10, initial=1)
    max_score = forms.IntegerField(label=_("Note maximale"), min_value=1, max_value=20, initial=5)


class BaseGridFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


GridFormSet = forms.formset_factory(
    CriterionForm, formset=BaseGridFormSet, extra=1, can_delete=True, max_num=12
)


class SessionForm(forms.Form):
    call = forms.ModelChoiceField(label=_("Appel"), queryset=Call.objects.all())
    contingent = forms.ModelChoiceField(
        label=_("Contingent (facultatif)"), queryset=Contingent.objects.all(), required=False
    )
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    held_at = forms.DateTimeField(label=_("Date et heure de la séance"), widget=DateTimeInput())
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    quorum = forms.IntegerField(label=_("Quorum (membres présents)"), min_value=1, max_value=30)
    staff = SafeModelMultipleChoiceField(
        label=_("Membres de l'ANVT"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    chair = forms.ModelChoiceField(
        label=_("Présidence (parmi les membres de l'ANVT)"),
        queryset=get_user_model().objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = (
            get_user_model()
            .objects.filter(
                groups__name__in=[REVIEWERS_GROUP, PROGRAMME_MANAGERS_GROUP], is_active=True
            )
            .distinct()
            .order_by("name", "email")
        )
        self.fields["staff"].queryset = staff
        self.fields["chair"].queryset = staff
        self.fields["contingent"].queryset = Contingent.objects.select_related("call")


class ExternalMemberForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    quality = forms.CharField(
        label=_("Qualité"),
        max_length=150,
        required=False,
        help_text=_("Fonction et organisation : « Chargée de mission, France Volontaires »."),
    )
    chair = forms.BooleanField(label=_("Préside la séance"), required=False)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Présent·e·s"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(m.pk, m.name) for m in members]
        self.fields["present"].initial = [m.pk for m in members if m.present]


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Conflit d'intérêts"),
        choices=[("no", _("Aucun conflit")), ("yes", _("Conflit d'intérêts"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("Nature du lien"), choices=[("", "—"), *ConflictKind.choices], required=False
    )
    detail = forms.CharField(label=_("Précision"), max_length=300, required=False)


class DecisionForm(forms.Form):
    # No default: saving an untouched form must not select anyone.
    outcome = forms.ChoiceField(
        label=_("Décision"), choices=[("", _("— Choisir —")), *Outcome.choices]
    )
    rank = forms.IntegerField(
        label=_("Rang sur la liste d'attente"), min_value=1, max_value=999, required=False
    )
    reason = forms.ChoiceField(
        label=_("Motif"), choices=[("", _("— Choisir —")), *DecisionReason.choices]
    )
    comment = forms.CharField(label=_("Commentaire"), max_length=500, required=False)


class TargetsForm(forms.Form):
    """One share (%) per value of each balance dimension; empty is no target."""

    def __init__(self, *args, dimensions, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = []
        for dimension, title, labels in dimensions:
            names = []
            for value, label in labels.items():
                name = f"{dimension}__{value}"
                self.fields[name] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=100,
                    required=False,
                    initial=targets.get((dimension, value)),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}),
                )
                names.append(name)
            self.dimensions.append((title, [self[name] for name in names]))

    def targets(self) -> dict[tuple[str, str], int]:
        out = {}
        for name, value in self.cleaned_data.items():
            if value:
                dimension, _sep, key = name.partition("__")
                out[(dimension, key)] = value
        return out


# After the mission -------------------------------------------------------------------------------


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    active = forms.BooleanField(label=_("Envoyé aux volontaires rentré·e·s"), required=False)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Type de réponse"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choix proposés (un par ligne)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_choices(self):
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        return [line[:120] for line in dict.fromkeys(lines) if line]


class BaseQuestionFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            {key: form.cleaned_data[key] for key in ("text", "kind", "choices")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=2, can_delete=True, max_num=15
)


class TallyFilterForm(forms.Form):
    questionnaire = forms.TypedChoiceField(label=_("Questionnaire"), coerce=int, required=False)
    contingent = forms.ModelChoiceField(
        label=_("Contingent"), queryset=Contingent.objects.none(), required=False
    )

    def __init__(self, *args, questionnaires, contingents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].choices = [(q.pk, str(q)) for q in questionnaires]
        self.fields["contingent"].queryset = contingents
        self.fields["contingent"].empty_label = _("Tous les contingents")


# Reciprocity (issue 21) --------------------------------------------------------------------------


class AgreementForm(forms.ModelForm):
    """A partnership agreement; the partner is chosen when it is created, then fixed."""

    partner = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=PartnerOrganisation.objects.filter(kind=OrganisationKind.SENDING_AGENCY),
    )

    class Meta:
        model = Agreement
        fields = ["partner", *AGREEMENT_FIELDS]  # what the service writes, and its partner
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].widget.attrs["size"] = 8
        self.fields["countries"].help_text = _(
            "Les pays où le partenaire envoie et d'où il reçoit des volontaires : un ou plusieurs."
        )
        if self.instance.pk:
            self.fields["partner"].disabled = True

    def clean(self):
        cleaned = super().clean()
        refusal = agreement_refusal(cleaned.get("partner"), cleaned, excluding=self.instance.pk)
        if refusal:
            raise forms.ValidationError(refusal)
        return cleaned


class HostForm(forms.ModelForm):
    class Meta:
        model = PartnerOrganisation
        fields = list(HOST_FIELDS)  # what the service writes
        labels = {"city": _("Ville"), "active": _("Peut accueillir des volontaires")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("region", "city", "legal_form", "contact_name"):
            self.fields[name].required = True

    def clean_contact_phone(self):
        number = self.cleaned_data["contact_phone"]
        if not number:
            return number
        parsed = phones.parse(number)
        if parsed is None:
            raise forms.ValidationError(_("Ce numéro de téléphone n'est pas valide."))
        return parsed


class HostVerificationForm(forms.Form):
    verified_on = forms.DateField(label=_("Vérifiée le"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valable jusqu'au"), widget=DateInput())
    note = forms.CharField(
        label=_("Ce qui a été vérifié"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pièces vues, visite des locaux, personne référente…"),
    )


class IncomingValidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la validation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LedgerYearForm(forms.Form):
    annee = forms.TypedChoiceField(label=_("Année"), coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year, year) for year in years]
