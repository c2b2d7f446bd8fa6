"""The forms of the volunteer's application steps and actions. Forms of the volunteer's own data
(profile, experiences, documents) are in volunteers.forms, beside their models."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anvt.forms import DateInput
from missions.enums import MissionStatus
from missions.models import Application

MOTIVATION_MIN = 50
MOTIVATION_MAX = 3000


class MissionChoiceForm(forms.Form):
    """One select per rank, up to the call's maximum; the first is required."""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        offered = application.call.missions.filter(status=MissionStatus.PUBLISHED).order_by(
            "start_date", "title"
        )
        chosen = {c.rank: c.mission_id for c in application.choices.all()}
        for rank in range(1, application.call.max_choices + 1):
            self.fields[f"choice_{rank}"] = forms.ModelChoiceField(
                label=_("Choix n° %(rank)s") % {"rank": rank},
                queryset=offered,
                required=rank == 1,
                initial=chosen.get(rank),
                empty_label=_("— choisir une mission —") if rank == 1 else _("— aucune —"),
            )

    def clean(self):
        cleaned = super().clean()
        missions = [cleaned[name] for name in self.fields if cleaned.get(name)]
        if len({m.pk for m in missions}) != len(missions):
            raise forms.ValidationError(_("Chaque mission ne peut être choisie qu'une fois."))
        cleaned["missions"] = missions
        return cleaned


class MotivationForm(forms.Form):
    motivation = forms.CharField(
        label=gettext_lazy("Votre motivation"),
        min_length=MOTIVATION_MIN,
        max_length=MOTIVATION_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "data-count": "true"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motivation"].help_text = _(
            "Entre %(min)s et %(max)s caractères. Pourquoi ces missions, qu'apporterez-vous ?"
        ) % {"min": MOTIVATION_MIN, "max": MOTIVATION_MAX}


class WithdrawForm(forms.Form):
    reason = forms.CharField(required=False)

    def clean_reason(self):
        return self.cleaned_data["reason"][:500]


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer la suppression.")}
    )


class SubmitForm(forms.Form):
    share_documents = forms.BooleanField(
        label=_(
            "J'accepte que les partenaires auxquels l'ANVT propose ma candidature consultent mes "
            "documents (chaque consultation est enregistrée ; je la vois dans « Mes données »)."
        ),
        required=False,
    )


class AttestationForm(forms.Form):
    """The referee's answer, through the link: as declared, corrected, or declined."""

    name = forms.CharField(
        label=gettext_lazy("Votre nom et votre fonction"),
        max_length=150,
        error_messages={
            "required": gettext_lazy("Indiquez votre nom : il figure sur l'attestation.")
        },
    )
    organisation = forms.CharField(label=gettext_lazy("Structure"), max_length=200, required=False)
    role = forms.CharField(
        label=gettext_lazy("Rôle de la ou du volontaire"), max_length=200, required=False
    )
    start = forms.DateField(
        label=gettext_lazy("Début de l'engagement"), required=False, widget=DateInput()
    )
    end = forms.DateField(
        label=gettext_lazy("Fin de l'engagement"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Vide s'il dure encore."),
    )
    comment = forms.CharField(
        label=gettext_lazy("Commentaire (facultatif)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
