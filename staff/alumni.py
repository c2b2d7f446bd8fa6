"""After the mission, as programme managers follow it: the follow-up questionnaires (3, 6 and 12
months after the return), the response rates per contingent, and the answers counted."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import manager_required
from alumni import followup
from alumni.enums import FOLLOW_UP_MONTHS
from alumni.models import FollowUp, Questionnaire
from anvt.http import act
from missions.models import Contingent
from staff.forms import QuestionFormSet, QuestionnaireForm, TallyFilterForm


@manager_required
def follow_ups(request):
    questionnaires = list(Questionnaire.objects.prefetch_related("questions"))
    contingents = Contingent.objects.filter(
        pk__in=FollowUp.objects.values("placement__contingent_id")
    ).order_by("-created_at")
    form = TallyFilterForm(
        request.GET or None, questionnaires=questionnaires, contingents=contingents
    )
    chosen, contingent = (questionnaires[0] if questionnaires else None), None
    if form.is_bound and form.is_valid():
        chosen = next(
            (q for q in questionnaires if q.pk == form.cleaned_data["questionnaire"]), chosen
        )
        contingent = form.cleaned_data["contingent"]
    by_months = {q.months_after: q for q in questionnaires}
    return render(
        request,
        "staff/follow_ups.html",
        {
            "slots": [(months, by_months.get(months)) for months in FOLLOW_UP_MONTHS],
            "questionnaires": questionnaires,
            "rates": followup.response_rates(questionnaires),
            "form": form,
            "chosen": chosen,
            "contingent": contingent,
            "tallies": followup.tallies(chosen, contingent) if chosen else [],
            "section": "follow_ups",
        },
    )


@manager_required
def questionnaire(request, months: int):
    if months not in FOLLOW_UP_MONTHS:
        raise Http404
    found = Questionnaire.objects.filter(months_after=months).first()
    rows = (
        [
            {"text": q.text, "kind": q.kind, "choices": "\n".join(q.choices)}
            for q in found.questions.all()
        ]
        if found
        else []
    )
    form = QuestionnaireForm(
        request.POST or None,
        initial={
            "title": found.title
            if found
            else _("%(months)s mois après la mission") % {"months": months},
            "intro": found.intro if found else "",
            "active": found.active if found else True,
        },
    )
    formset = QuestionFormSet(request.POST or None, initial=rows, prefix="questions")
    if request.method == "POST":
        if not (form.is_valid() and formset.is_valid()):
            messages.error(request, _("Rien n'est enregistré : corrigez les champs en rouge."))
        else:

            def save():
                with transaction.atomic():  # a refused save creates nothing either
                    target = found or Questionnaire.objects.create(
                        months_after=months, title=form.cleaned_data["title"], active=False
                    )
                    followup.save_questions(
                        target, actor=request.user, rows=formset.rows(), **form.cleaned_data
                    )

            if act(request, save, _("Questionnaire enregistré.")):
                return redirect("staff:follow_ups")
    return render(
        request,
        "staff/questionnaire.html",
        {
            "months": months,
            "questionnaire": found,
            "form": form,
            "formset": formset,
            "section": "follow_ups",
        },
    )
