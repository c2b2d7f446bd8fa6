"""The volunteer's space. Views are thin: access helper, form, service, redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import volunteer_required
from alumni import certificates
from alumni.models import Certificate
from anvt.http import act, pdf_response, private_file_response
from missions import checking, eligibility, services
from missions.access import get_call_for_visitor
from missions.enums import APPLICATION_WITHDRAWABLE
from missions.models import Application, ApplicationChoice, Placement
from missions.queries import (
    application_timeline,
    document_readings_of,
    experience_for_open_calls,
    experience_total,
    next_steps,
    placement_chain,
    report_lines,
    returned_reason,
)
from missions.workflow import WorkflowError
from volunteer_space import next_step
from volunteer_space import services as volunteer_services
from volunteer_space.access import (
    get_application_for_volunteer,
    get_document_for_volunteer,
    get_experience_for_volunteer,
    get_placement_for_volunteer,
)
from volunteer_space.forms import (
    MOTIVATION_MAX,
    AccountDeleteForm,
    MissionChoiceForm,
    MotivationForm,
    SubmitForm,
    WithdrawForm,
)
from volunteers import attestations, completeness
from volunteers.enums import IDENTITY_DOCUMENTS, DocumentKind
from volunteers.forms import (
    ConsentForm,
    ContactForm,
    DocumentForm,
    EducationForm,
    ExperienceForm,
    IdentityForm,
    LanguageFormSet,
    ReplaceDocumentForm,
)
from volunteers.models import Document, Experience

# Where a volunteer fixes what an eligibility criterion found missing: (URL, link text).
FIX_LINKS = {
    "age": (
        reverse_lazy("volunteers:profile_step", args=["identity"]),
        gettext_lazy("Compléter mon identité"),
    ),
    "nationality": (
        reverse_lazy("volunteers:profile_step", args=["identity"]),
        gettext_lazy("Compléter mon identité"),
    ),
    "experience": (reverse_lazy("volunteers:experiences"), gettext_lazy("Ajouter une expérience")),
    "identity": (
        reverse_lazy("volunteers:documents"),
        gettext_lazy("Déposer une pièce d'identité"),
    ),
    "documents": (reverse_lazy("volunteers:documents"), gettext_lazy("Déposer les documents")),
    "overlap": (reverse_lazy("volunteers:applications"), gettext_lazy("Voir mes candidatures")),
}


# Dashboard and profile ---------------------------------------------------------------------------


@volunteer_required
def dashboard(request):
    profile = volunteer_services.profile_of(request.user)
    missing = completeness.missing_items(profile, language_count=profile.languages.count())
    experiences = list(Experience.objects.visible_to(request.user))
    _days, total = experience_total(experiences, timezone.localdate())
    return render(
        request,
        "volunteers/dashboard.html",
        {
            "next_step": next_step.for_volunteer(
                request.user, missing=missing, experience_count=len(experiences)
            ),
            "profile": profile,
            "missing": missing,
            "percent": completeness.percent_complete(len(missing)),
            "experience_total": total,
            "experience_count": len(experiences),
            "document_count": Document.objects.visible_to(request.user).count(),
            "applications": Application.objects.visible_to(request.user).select_related("call"),
        },
    )


PROFILE_FORMS = {
    "identity": IdentityForm,
    "contact": ContactForm,
    "education": EducationForm,
}


def _profile_form(step: str, request, profile):
    """The form of one profile step (the languages are a formset)."""
    if step == "languages":
        return LanguageFormSet(request.POST or None, instance=profile, prefix="languages")
    if step == "consent":
        return ConsentForm(
            request.POST or None,
            initial={"language": request.user.language, "consent": bool(profile.consent_at)},
        )
    return PROFILE_FORMS[step](request.POST or None, instance=profile)


def _save_profile_step(step: str, profile, form) -> None:
    if step == "languages":
        volunteer_services.save_languages(profile, languages=form.chosen())
    elif step == "consent":
        volunteer_services.give_consent(profile, language=form.cleaned_data["language"])
    else:
        volunteer_services.save_profile(profile, values=form.cleaned_data)


@volunteer_required
def profile_step(request, step: str):
    steps = [name for name, _label in completeness.STEPS]
    if step not in steps:
        raise Http404
    profile = volunteer_services.profile_of(request.user)
    form = _profile_form(step, request, profile)
    if request.method == "POST" and form.is_valid():
        _save_profile_step(step, profile, form)
        messages.success(request, _("Enregistré."))
        following = steps[steps.index(step) + 1] if step != steps[-1] else None
        if following:
            return redirect("volunteers:profile_step", following)
        return redirect("volunteers:dashboard")
    missing = completeness.missing_items(profile, language_count=profile.languages.count())
    return render(
        request,
        "volunteers/profile_step.html",
        {
            "step": step,
            "steps": completeness.STEPS,
            "form": form,
            "missing": missing,
            "percent": completeness.percent_complete(len(missing)),
            "is_formset": step == "languages",
        },
    )


# Experiences -------------------------------------------------------------------------------------


@volunteer_required
def experiences(request):
    rows = list(
        Experience.objects.visible_to(request.user).prefetch_related("attestation_requests")
    )
    for row in rows:
        row.request = next(iter(row.attestation_requests.all()), None)
        row.attestation_state = attestations.state_of(row, row.request)
    days, total = experience_total(rows, timezone.localdate())
    by_call = experience_for_open_calls(rows, timezone.now())
    return render(
        request,
        "volunteers/experiences.html",
        {"experiences": rows, "total": total, "days": days, "by_call": by_call},
    )


@volunteer_required
def experience_form(request, pk: int | None = None):
    experience = get_experience_for_volunteer(request.user, pk) if pk else None
    form = ExperienceForm(
        request.POST or None, request.FILES or None, instance=experience, volunteer=request.user
    )
    if request.method == "POST" and form.is_valid():
        volunteer_services.save_experience(
            request.user, experience=experience, values=form.cleaned_data
        )
        messages.success(request, _("Expérience enregistrée."))
        return redirect("volunteers:experiences")
    return render(
        request, "volunteers/experience_form.html", {"form": form, "experience": experience}
    )


@volunteer_required
@require_POST
def experience_attestation(request, pk: int):
    """Ask the referee to attest the experience (a link by e-mail)."""
    experience = get_experience_for_volunteer(request.user, pk)
    act(
        request,
        lambda: attestations.ask(experience, actor=request.user),
        lambda: (
            _("Demande envoyée à %(name)s : le lien reste valable %(days)s jours.")
            % {"name": experience.referee_name, "days": attestations.VALID_DAYS}
        ),
    )
    return redirect("volunteers:experiences")


@volunteer_required
@require_POST
def experience_remind(request, pk: int):
    experience = get_experience_for_volunteer(request.user, pk)
    act(
        request,
        lambda: attestations.remind(experience, actor=request.user),
        _("Relance envoyée, avec le même lien."),
    )
    return redirect("volunteers:experiences")


@volunteer_required
def experience_delete(request, pk: int):
    experience = get_experience_for_volunteer(request.user, pk)
    if request.method == "POST":
        volunteer_services.delete_experience(experience)
        messages.success(request, _("Expérience supprimée."))
        return redirect("volunteers:experiences")
    return render(request, "volunteers/confirm_delete.html", {"object": experience})


@volunteer_required
def experience_proof(request, pk: int):
    experience = get_experience_for_volunteer(request.user, pk)
    if not experience.proof:
        raise Http404
    return private_file_response(experience.proof, f"justificatif-{experience.pk}")


# Documents ---------------------------------------------------------------------------------------


@volunteer_required
def documents(request):
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        volunteer_services.add_document(
            request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            expiry_date=form.cleaned_data["expiry_date"],
        )
        messages.success(request, _("Document déposé."))
        return redirect("volunteers:documents")
    rows = list(Document.objects.visible_to(request.user))
    present = {document.kind for document in rows}
    return render(
        request,
        "volunteers/documents.html",
        {
            "form": form,
            "documents": rows,
            "missing_kinds": [
                label
                for kind, label in DocumentKind.choices
                if kind in eligibility.DEFAULT_REQUIRED_DOCUMENTS and kind not in present
            ],
            "has_identity": bool(present & IDENTITY_DOCUMENTS),
        },
        status=400 if form.errors else 200,
    )


@volunteer_required
def document_replace(request, pk: int):
    document = get_document_for_volunteer(request.user, pk)
    form = ReplaceDocumentForm(request.POST or None, request.FILES or None, instance=document)
    if request.method == "POST" and form.is_valid():
        volunteer_services.replace_document(
            document,
            upload=form.cleaned_data["file"],
            expiry_date=form.cleaned_data["expiry_date"],
        )
        messages.success(request, _("Document remplacé."))
        return redirect("volunteers:documents")
    return render(request, "volunteers/document_replace.html", {"form": form, "document": document})


@volunteer_required
def document_delete(request, pk: int):
    document = get_document_for_volunteer(request.user, pk)
    if request.method == "POST":
        volunteer_services.delete_document(document)
        messages.success(request, _("Document supprimé."))
        return redirect("volunteers:documents")
    return render(request, "volunteers/confirm_delete.html", {"object": document})


@volunteer_required
def document_file(request, pk: int):
    document = get_document_for_volunteer(request.user, pk)
    return private_file_response(document.file, document.original_name, document.content_type)


# Applications ------------------------------------------------------------------------------------


@volunteer_required
def applications(request):
    rows = (
        Application.objects.visible_to(request.user)
        .select_related("call", "eligibility_report")
        .order_by("-created_at")
    )
    return render(request, "volunteers/applications.html", {"applications": rows})


@volunteer_required
@require_POST
def apply(request, call_pk: int):
    call = get_call_for_visitor(request.user, call_pk)
    try:
        application = services.start_application(volunteer=request.user, call=call)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("missions:call", call.pk)
    if not application.is_editable:
        return redirect("volunteers:application", application.pk)
    return redirect("volunteers:application_missions", application.pk)


def _editable_application(request, pk: int) -> Application:
    application = get_application_for_volunteer(request.user, pk)
    if not application.is_editable:
        messages.info(
            request, _("Cette candidature est envoyée : elle ne peut plus être modifiée.")
        )
        raise _Redirect(reverse("volunteers:application", args=[application.pk]))
    return application


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _application_step(view):
    def wrapper(request, pk, *args, **kwargs):
        try:
            return view(request, _editable_application(request, pk), *args, **kwargs)
        except _Redirect as target:
            return redirect(target.url)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect("volunteers:application", pk)

    return volunteer_required(wrapper)


@_application_step
def application_missions(request, application: Application):
    form = MissionChoiceForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        services.choose_missions(
            application, actor=request.user, missions=form.cleaned_data["missions"]
        )
        messages.success(request, _("Brouillon enregistré."))
        return redirect("volunteers:application_motivation", application.pk)
    return render(
        request,
        "volunteers/apply_missions.html",
        {"application": application, "form": form, "step": 1},
    )


@_application_step
def application_motivation(request, application: Application):
    form = MotivationForm(request.POST or None, initial={"motivation": application.motivation})
    if request.method == "POST" and form.is_valid():
        services.save_motivation(
            application, actor=request.user, motivation=form.cleaned_data["motivation"]
        )
        messages.success(request, _("Brouillon enregistré."))
        return redirect("volunteers:application_review", application.pk)
    return render(
        request,
        "volunteers/apply_motivation.html",
        {"application": application, "form": form, "step": 2, "max": MOTIVATION_MAX},
    )


@_application_step
def application_review(request, application: Application):
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.submit_application(
            application,
            actor=request.user,
            share_documents=form.cleaned_data["share_documents"],
        )
        messages.success(
            request,
            _(
                "Candidature envoyée ! Nous vérifions son éligibilité : "
                "le résultat s'affichera ici."
            ),
        )
        return redirect("volunteers:application", application.pk)
    profile = volunteer_services.profile_of(request.user)
    report = checking.preview(application)
    return render(
        request,
        "volunteers/apply_review.html",
        {
            "application": application,
            "preview": report,
            "preview_lines": report_lines(report, fixes=FIX_LINKS),
            "choices": application.choices.select_related("mission"),
            "missing": completeness.missing_items(
                profile, language_count=profile.languages.count()
            ),
            "step": 3,
            "form": form,
        },
    )


@volunteer_required
def application_detail(request, pk: int):
    application = get_application_for_volunteer(request.user, pk)
    report_row = getattr(application, "eligibility_report", None)
    report = report_row.report if report_row else None
    timeline = application_timeline(application)
    return render(
        request,
        "volunteers/application_detail.html",
        {
            "application": application,
            "report": report,
            "report_row": report_row,
            "report_lines": report_lines(report, fixes=FIX_LINKS),
            "timeline": timeline,
            "choices": ApplicationChoice.objects.filter(application=application).select_related(
                "mission", "mission__theme"
            ),
            "can_withdraw": application.status in APPLICATION_WITHDRAWABLE,
            "returned_reason": returned_reason(application, timeline),
            "placements": Placement.objects.of_volunteer(request.user)
            .filter(application=application)
            .select_related("mission", "contingent__partner")
            .order_by("-created_at"),
        },
    )


@volunteer_required
def placement_detail(request, pk: int):
    """Her placement: the mission, the host, the planned and actual dates, whom to write to,
    what each party has confirmed and the next steps, in order."""
    placement = get_placement_for_volunteer(request.user, pk)
    return render(
        request,
        "volunteers/placement.html",
        {
            "placement": placement,
            "chain": placement_chain(placement),
            "next_steps": next_steps(placement),
            "anvt_contact": {
                "email": settings.ANVT_CONTACT_EMAIL,
                "phone": settings.ANVT_CONTACT_PHONE,
            },
            "certificate": Certificate.objects.filter(placement=placement).first(),
        },
    )


@volunteer_required
def placement_certificate(request, pk: int):
    """Her certificate of completion, in French, or in English with ?langue=en."""
    placement = get_placement_for_volunteer(request.user, pk)
    certificate = Certificate.objects.filter(placement=placement).first()
    if certificate is None:
        raise Http404
    return pdf_response(*certificates.download(certificate, request.GET.get("langue", "")))


@volunteer_required
def application_withdraw(request, pk: int):
    application = get_application_for_volunteer(request.user, pk)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        try:
            if not form.is_valid():
                raise WorkflowError(_("Le motif n'est pas valable : corrigez-le."))
            services.withdraw(application, actor=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Votre candidature est retirée."))
        return redirect("volunteers:application", application.pk)
    if application.status not in APPLICATION_WITHDRAWABLE:
        messages.error(request, _("Cette candidature ne peut plus être retirée."))
        return redirect("volunteers:application", application.pk)
    return render(request, "volunteers/application_withdraw.html", {"application": application})


# My data -----------------------------------------------------------------------------------------


@volunteer_required
def my_data(request):
    return render(
        request, "volunteers/my_data.html", {"readings": document_readings_of(request.user)}
    )


@volunteer_required
def my_data_export(request):
    response = HttpResponse(
        volunteer_services.export_data(request.user), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-anvt.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@volunteer_required
def account_delete(request):
    if request.method == "POST":
        if not AccountDeleteForm(request.POST).is_valid():
            messages.error(request, _("Cochez la case pour confirmer la suppression."))
            return render(request, "volunteers/account_delete.html", status=400)
        volunteer_services.request_erasure(request.user)
        logout(request)
        messages.success(
            request,
            _("Votre compte est désactivé ; vos données personnelles seront effacées sous peu."),
        )
        return redirect("home")
    return render(request, "volunteers/account_delete.html")
