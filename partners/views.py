"""The partner agencies' space: what waits for them first, then their contingents and placements.
Every row comes through partners.access.PartnerScope."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from missions import services
from missions.enums import IncomingStatus, MissionStatus, PlacementStatus
from missions.forms import MissionLanguageFormSet, MissionOfferForm
from missions.workflow import WorkflowError
from partners.access import coordinator_required, partner_required
from partners.forms import (
    DecisionForm,
    IncomingForm,
    InterruptForm,
    PlacementDateForm,
    ReportForm,
)
from volunteers.uploads import private_file_response

P = PlacementStatus


def _reports_due(placements, today):
    """(placement, kind) for each report whose time has come and that is still missing."""
    due = []
    for placement in placements:
        mission = placement.mission
        midpoint = mission.start_date + (mission.end_date - mission.start_date) / 2
        if placement.status == P.DEPARTED and not placement.midterm_report and today >= midpoint:
            due.append((placement, "midterm"))
        if (
            placement.status in (P.DEPARTED, P.COMPLETED, P.INTERRUPTED)
            and not placement.final_report
            and today >= (placement.return_date or mission.end_date)
        ):
            due.append((placement, "final"))
    return due


@partner_required
def home(request, scope):
    today = timezone.localdate()
    now = timezone.now()
    placements = list(
        scope.placements().order_by("contingent__name", "volunteer__volunteer_profile__last_name")
    )
    to_confirm = [
        (placement, (now - placement.proposed_at).days if placement.proposed_at else 0)
        for placement in placements
        if placement.status == P.PROPOSED
    ]
    incoming = list(scope.incoming().order_by("arrival_date"))
    incoming_todo = [
        item
        for item in incoming
        if (item.status == IncomingStatus.VALIDATED and item.arrival_date <= today)
        or (item.status == IncomingStatus.ARRIVED and item.departure_date <= today)
    ]
    return render(
        request,
        "partners/home.html",
        {
            "scope": scope,
            "to_confirm": sorted(to_confirm, key=lambda item: -item[1]),
            "reports_due": _reports_due(placements, today),
            "incoming_todo": incoming_todo,
            "incoming_declared": [i for i in incoming if i.status == IncomingStatus.DECLARED],
            "contingents": scope.contingents().order_by("-created_at"),
            "placements": placements,
        },
    )


@partner_required
def contingent_detail(request, scope, pk: int):
    contingent = scope.get(scope.contingents(), pk)
    placements = scope.placements().filter(contingent=contingent)
    return render(
        request,
        "partners/contingent.html",
        {"scope": scope, "contingent": contingent, "placements": placements},
    )


@partner_required
def placement_detail(request, scope, pk: int):
    placement = scope.get(scope.placements(), pk)
    return render(
        request,
        "partners/placement.html",
        {
            "scope": scope,
            "placement": placement,
            "profile": getattr(placement.volunteer, "volunteer_profile", None),
            "decision_form": DecisionForm(),
            "date_form": PlacementDateForm(initial={"on": timezone.localdate()}),
            "report_forms": {
                "midterm": ReportForm(prefix="midterm"),
                "final": ReportForm(prefix="final"),
            },
            "interrupt_form": InterruptForm(),
        },
    )


def _done(request, message):
    messages.success(request, message)


@coordinator_required
@require_POST
def placement_decide(request, scope, pk: int):
    placement = scope.get(scope.placements(), pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("partners:placement", pk)
    try:
        if form.cleaned_data["decision"] == "confirm":
            services.confirm_placement(placement, actor=request.user)
            _done(request, _("Affectation confirmée."))
        else:
            services.decline_placement(
                placement, actor=request.user, reason=form.cleaned_data["reason"]
            )
            _done(request, _("Affectation refusée ; l'ANVT est prévenue."))
    except WorkflowError as error:
        messages.error(request, error.message)
    return redirect("partners:placement", pk)


@coordinator_required
@require_POST
def placement_event(request, scope, pk: int, event: str):
    placement = scope.get(scope.placements(), pk)
    try:
        if event == "interrupt":
            form = InterruptForm(request.POST)
            if not form.is_valid():
                raise WorkflowError(_("Indiquez la date du retour et le motif de l'interruption."))
            services.interrupt_placement(
                placement,
                actor=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        else:
            form = PlacementDateForm(request.POST)
            if not form.is_valid():
                raise WorkflowError(_("Indiquez une date valide."))
            record = {
                "departure": services.record_departure,
                "arrival": services.record_arrival,
                "return": services.record_return,
            }.get(event)
            if record is None:
                raise Http404
            record(placement, actor=request.user, on=form.cleaned_data["on"])
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        _done(request, _("Enregistré."))
    return redirect("partners:placement", pk)


@coordinator_required
@require_POST
def placement_report(request, scope, pk: int, kind: str):
    placement = scope.get(scope.placements(), pk)
    if kind not in services.REPORT_FIELDS:
        raise Http404
    form = ReportForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("partners:placement", pk)
    try:
        services.save_report(
            placement,
            actor=request.user,
            kind=kind,
            text=form.cleaned_data["text"],
            upload=form.cleaned_data["file"],
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        _done(request, _("Rapport enregistré."))
    return redirect("partners:placement", pk)


@partner_required
def placement_report_file(request, scope, pk: int, kind: str):
    placement = scope.get(scope.placements(), pk)
    if kind not in services.REPORT_FIELDS:
        raise Http404
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
        {"scope": scope, "rows": scope.incoming().order_by("-arrival_date")},
    )


@coordinator_required
def incoming_form(request, scope, pk: int | None = None):
    incoming = scope.get(scope.incoming(), pk) if pk else None
    if incoming and incoming.status != IncomingStatus.DECLARED:
        messages.info(
            request, _("Un·e volontaire validé·e par l'ANVT ne peut plus être modifié·e.")
        )
        return redirect("partners:incoming")
    form = IncomingForm(request.POST or None, instance=incoming)
    if request.method == "POST" and form.is_valid():
        try:
            if incoming:
                services.update_incoming(incoming, actor=request.user, form=form)
            else:
                services.declare_incoming(
                    actor=request.user, organisation=scope.organisation, form=form
                )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            _done(request, _("Déclaration enregistrée : l'ANVT va la valider."))
            return redirect("partners:incoming")
    return render(
        request, "partners/incoming_form.html", {"scope": scope, "form": form, "incoming": incoming}
    )


@coordinator_required
@require_POST
def incoming_event(request, scope, pk: int, event: str):
    incoming = scope.get(scope.incoming(), pk)
    actions = {"arrived": services.record_incoming_arrival, "completed": services.complete_incoming}
    if event not in actions:
        raise Http404
    try:
        actions[event](incoming, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        _done(request, _("Enregistré."))
    return redirect("partners:incoming")


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
    mission = scope.get(scope.missions(), pk) if pk else None
    if mission and mission.status != MissionStatus.DRAFT:
        messages.info(request, _("Une offre proposée ou publiée ne peut plus être modifiée."))
        return redirect("partners:missions")
    form = MissionOfferForm(request.POST or None, instance=mission)
    languages = MissionLanguageFormSet(request.POST or None, instance=mission, prefix="languages")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        try:
            saved = services.save_mission_offer(
                actor=request.user,
                organisation=scope.organisation,
                form=form,
                propose="propose" in request.POST,
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            languages.instance = saved
            languages.save()
            _done(
                request,
                _("Offre proposée à l'ANVT.")
                if "propose" in request.POST
                else _("Brouillon enregistré."),
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
