"""The partner agencies' space: what waits for them first, then their contingents and placements.
Every row comes through partner_space.access; one URL per action, each with its form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anvt.http import act, private_file_response, valid
from missions import services
from missions.enums import IncomingStatus, MissionStatus
from missions.forms import CorrectionForm, MissionLanguageFormSet, MissionOfferForm
from missions.placements import may_correct
from missions.queries import (
    age_at_reference,
    partner_agenda,
    placement_chain,
    report_lines,
    review_summary,
    shared_documents,
)
from missions.workflow import WorkflowError
from mobility import services as mobility_services
from mobility.forms import DepartureForm, ItemForm
from mobility.queries import file_of, readiness_board
from partner_space import next_step
from partner_space.access import (
    coordinator_required,
    get_contingent_for_partner,
    get_incoming_for_partner,
    get_mission_for_partner,
    get_mobility_item_for_partner,
    get_placement_for_partner,
    get_shared_document_for_partner,
    partner_required,
)
from partner_space.forms import (
    DeclineForm,
    IncomingForm,
    IncomingInterruptForm,
    InterruptForm,
    PlacementDateForm,
    ReportForm,
)
from reciprocity import ledger
from volunteers import reading
from volunteers.models import Experience


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, errors[0])


@partner_required
def home(request, scope):
    placements = list(
        scope.placements().order_by("contingent__name", "volunteer__volunteer_profile__last_name")
    )
    agenda = partner_agenda(placements, list(scope.incoming().order_by("arrival_date")))
    return render(
        request,
        "partners/home.html",
        {
            "scope": scope,
            "agenda": agenda,
            "next_step": next_step.for_partner(agenda, coordinator=scope.is_coordinator),
            "contingents": scope.contingents().order_by("-created_at"),
            "placements": placements,
        },
    )


@partner_required
def contingent_detail(request, scope, pk: int):
    contingent = get_contingent_for_partner(scope, pk)
    placements = scope.placements().filter(contingent=contingent)
    return render(
        request,
        "partners/contingent.html",
        {"scope": scope, "contingent": contingent, "placements": placements},
    )


@partner_required
def placement_detail(request, scope, pk: int):
    """The partner's decision file: who the volunteer is, what she has done, what ANVT thinks of
    her application, the documents she agreed to share; then the decision, and the dates."""
    placement = get_placement_for_partner(scope, pk)
    application = placement.application
    profile = getattr(placement.volunteer, "volunteer_profile", None)
    report_row = getattr(application, "eligibility_report", None)
    items = file_of(placement)
    recordings = {
        event: may_correct(placement, event, request.user)
        for event in ("departure", "arrival", "return")
    }
    return render(
        request,
        "partners/placement.html",
        {
            "scope": scope,
            "placement": placement,
            "profile": profile,
            "age": age_at_reference(application),
            "languages": profile.languages.all() if profile else [],
            "experiences": Experience.objects.filter(volunteer=placement.volunteer).order_by(
                "-start_date"
            ),
            "report_lines": report_lines(
                report_row.report if report_row else None,
                about=profile.first_name if profile else str(placement.volunteer),
            ),
            "reviews": review_summary(application),
            "documents": shared_documents(placement),
            "chain": placement_chain(placement),
            "decline_form": DeclineForm(),
            "date_form": PlacementDateForm(initial={"on": timezone.localdate()}),
            "correctable": [event for event, allowed in recordings.items() if allowed],
            "correction_form": CorrectionForm(),
            "report_forms": {
                "midterm": ReportForm(prefix="midterm"),
                "final": ReportForm(prefix="final"),
            },
            "interrupt_form": InterruptForm(),
            "mobility_items": items,
            "not_ready": [item for item in items if not item.is_ready],
            "today": timezone.localdate(),
        },
    )


@partner_required
def placement_document(request, scope, pk: int, document_pk: int):
    _placement, document = get_shared_document_for_partner(scope, pk, document_pk)
    return reading.download(document, reader=request.user)


@partner_required
def placement_document_preview(request, scope, pk: int, document_pk: int):
    _placement, document = get_shared_document_for_partner(scope, pk, document_pk)
    return reading.preview(document, reader=request.user)


@coordinator_required
@require_POST
def placement_confirm(request, scope, pk: int):
    placement = get_placement_for_partner(scope, pk)
    act(
        request,
        lambda: services.confirm_placement(placement, actor=request.user),
        lambda: (
            _("Affectation confirmée : la structure d'accueil est maintenant sollicitée.")
            if placement.host_id
            else _("Affectation confirmée.")
        ),
    )
    return redirect("partners:placement", pk)


@coordinator_required
@require_POST
def placement_decline(request, scope, pk: int):
    placement = get_placement_for_partner(scope, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("partners:placement", pk)
    act(
        request,
        lambda: services.decline_placement(
            placement,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            shared=form.cleaned_data["shared"],
        ),
        _("Affectation refusée ; l'ANVT est prévenue."),
    )
    return redirect("partners:placement", pk)


def _dated_event(record):
    """A view that records one dated event of a placement through `record(placement, ...)`."""

    @coordinator_required
    @require_POST
    def view(request, scope, pk: int):
        placement = get_placement_for_partner(scope, pk)
        form = PlacementDateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Indiquez une date valide."))
            return redirect("partners:placement", pk)
        act(
            request,
            lambda: record(placement, actor=request.user, on=form.cleaned_data["on"]),
            _("Enregistré."),
        )
        return redirect("partners:placement", pk)

    return view


@coordinator_required
@require_POST
def placement_departure(request, scope, pk: int):
    """The departure, with the reason to override a mobility file not yet complete."""
    placement = get_placement_for_partner(scope, pk)
    form = DepartureForm(request.POST)
    act(
        request,
        lambda: mobility_services.depart(
            placement, actor=request.user, **valid(form, _("Indiquez une date valide."))
        ),
        _("Enregistré."),
    )
    return redirect("partners:placement", pk)


@coordinator_required
@require_POST
def mobility_item(request, scope, pk: int, item_pk: int):
    """An item of the mobility file the partner completes (its health insurance, say)."""
    item = get_mobility_item_for_partner(scope, pk, item_pk)
    form = ItemForm(request.POST, request.FILES)
    act(
        request,
        lambda: mobility_services.submit_item(
            item,
            actor=request.user,
            date_value=valid(form, form.first_error())["date_value"],
            upload=form.cleaned_data["file"],
        ),
        _("Transmis à l'ANVT, qui va le vérifier."),
    )
    return redirect(f"{reverse('partners:placement', args=[pk])}#mobility")


@partner_required
def readiness(request, scope, pk: int):
    """The contingent's readiness board, read-only, limited to the partner's placements."""
    contingent = get_contingent_for_partner(scope, pk)
    return render(
        request,
        "partners/readiness.html",
        {
            "scope": scope,
            "contingent": contingent,
            "board": readiness_board(contingent, scope.placements()),
            "today": timezone.localdate(),
        },
    )


placement_arrival = _dated_event(services.record_arrival)
placement_return = _dated_event(services.record_return)


@coordinator_required
@require_POST
def placement_correct(request, scope, pk: int):
    placement = get_placement_for_partner(scope, pk)
    form = CorrectionForm(request.POST)
    act(
        request,
        lambda: services.correct_date(
            placement,
            actor=request.user,
            **valid(form, _("Indiquez la date exacte et le motif de la correction.")),
        ),
        _("Date corrigée ; le ou la volontaire et l'ANVT sont prévenu·e·s."),
    )
    return redirect("partners:placement", pk)


@coordinator_required
@require_POST
def placement_interrupt(request, scope, pk: int):
    placement = get_placement_for_partner(scope, pk)
    form = InterruptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date du retour et le motif de l'interruption."))
        return redirect("partners:placement", pk)
    act(
        request,
        lambda: services.interrupt_placement(
            placement,
            actor=request.user,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        ),
        _("Enregistré."),
    )
    return redirect("partners:placement", pk)


@coordinator_required
@require_POST
def placement_report(request, scope, pk: int, kind: str):
    """A mid-term or final report; `kind` is fixed by the URL of each (see urls.py)."""
    placement = get_placement_for_partner(scope, pk)
    form = ReportForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("partners:placement", pk)
    act(
        request,
        lambda: services.save_report(
            placement,
            actor=request.user,
            kind=kind,
            text=form.cleaned_data["text"],
            upload=form.cleaned_data["file"],
        ),
        _("Rapport enregistré."),
    )
    return redirect("partners:placement", pk)


@partner_required
def placement_report_file(request, scope, pk: int, kind: str):
    placement = get_placement_for_partner(scope, pk)
    field_file = getattr(placement, services.REPORT_FIELDS[kind][1])
    if not field_file:
        raise Http404
    return private_file_response(field_file, f"rapport-{kind}-{placement.pk}")


# Incoming volunteers -----------------------------------------------------------------------------


@partner_required
def incoming_list(request, scope):
    return render(
        request,
        "partners/incoming_list.html",
        {
            "scope": scope,
            "rows": scope.incoming()
            .with_host_check()
            .select_related("host_structure")
            .order_by("-arrival_date"),
            "interrupt_form": IncomingInterruptForm(),
        },
    )


@coordinator_required
def incoming_form(request, scope, pk: int | None = None):
    incoming = get_incoming_for_partner(scope, pk) if pk else None
    if incoming and incoming.status != IncomingStatus.DECLARED:
        messages.info(
            request, _("Un·e volontaire validé·e par l'ANVT ne peut plus être modifié·e.")
        )
        return redirect("partners:incoming")
    form = IncomingForm(request.POST or None, instance=incoming)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_incoming(
                incoming,
                actor=request.user,
                organisation=scope.organisation,
                values=form.cleaned_data,
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Déclaration enregistrée : l'ANVT va la valider."))
            return redirect("partners:incoming")
    return render(
        request, "partners/incoming_form.html", {"scope": scope, "form": form, "incoming": incoming}
    )


def _incoming_event(record):
    @coordinator_required
    @require_POST
    def view(request, scope, pk: int):
        incoming = get_incoming_for_partner(scope, pk)
        act(request, lambda: record(incoming, actor=request.user), _("Enregistré."))
        return redirect("partners:incoming")

    return view


incoming_arrived = _incoming_event(services.record_incoming_arrival)
incoming_completed = _incoming_event(services.complete_incoming)


@coordinator_required
@require_POST
def incoming_interrupted(request, scope, pk: int):
    incoming = get_incoming_for_partner(scope, pk)
    form = IncomingInterruptForm(request.POST)

    def interrupt():
        values = valid(form, _("Indiquez le motif de l'interruption."))
        services.interrupt_incoming(incoming, actor=request.user, reason=values["reason"])

    act(request, interrupt, _("Interruption enregistrée."))
    return redirect("partners:incoming")


# Reciprocity -------------------------------------------------------------------------------------


@partner_required
def reciprocity(request, scope):
    """The partner's own agreements with ANVT, and its own lines of the reciprocity ledger."""
    organisation = scope.organisation
    return render(
        request,
        "partners/reciprocity.html",
        {
            "scope": scope,
            "agreements": organisation.agreements.order_by("-starts_on"),
            "rows": ledger.lines(partner=organisation, as_partner=True),
            "stages": ledger.STAGES,
            "today": timezone.localdate(),
            "section": "reciprocity",
        },
    )


# Mission offers ----------------------------------------------------------------------------------


@partner_required
def mission_list(request, scope):
    return render(
        request,
        "partners/missions.html",
        {"scope": scope, "missions": scope.missions().order_by("-created_at")},
    )


@coordinator_required
def mission_form(request, scope, pk: int | None = None):
    mission = get_mission_for_partner(scope, pk) if pk else None
    if mission and mission.status != MissionStatus.DRAFT:
        messages.info(request, _("Une offre proposée ou publiée ne peut plus être modifiée."))
        return redirect("partners:missions")
    form = MissionOfferForm(request.POST or None, instance=mission)
    languages = MissionLanguageFormSet(request.POST or None, instance=mission, prefix="languages")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        propose = "propose" in request.POST
        try:
            services.save_mission(
                mission,
                actor=request.user,
                values={**form.cleaned_data, "partner": scope.organisation},
                languages=languages.chosen(),
                propose=propose,
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Offre proposée à l'ANVT.") if propose else _("Brouillon enregistré.")
            )
            return redirect("partners:missions")
    return render(
        request,
        "partners/mission_form.html",
        {"scope": scope, "form": form, "languages": languages, "mission": mission},
    )


@partner_required
def members(request, scope):
    if not scope.is_coordinator:
        raise Http404
    return render(request, "partners/members.html", {"scope": scope, "members": scope.members()})
