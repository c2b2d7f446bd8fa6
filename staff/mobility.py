"""The back office's pages of the mobility file: the destinations' checklists, each placement's
file, the contingent's readiness board (page, print, CSV) and the pre-departure workshops."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required
from anvt.http import act, csv_response, valid
from mobility import services
from mobility.forms import (
    AttendanceForm,
    ChecklistItemForm,
    CopyChecklistForm,
    WorkshopForm,
)
from mobility.models import ChecklistItem
from mobility.queries import board_csv, file_of, readiness_board
from staff.access import (
    get_contingent_for_manager,
    get_mobility_item_for_manager,
    get_placement_for_manager,
    get_workshop_for_manager,
)
from staff.forms import ReasonForm

# Checklists --------------------------------------------------------------------------------------


@manager_required
def checklists(request):
    form = CopyChecklistForm(request.POST or None)
    if request.method == "POST":
        act(
            request,
            lambda: services.copy_checklist(
                actor=request.user, **valid(form, _("Choisissez deux pays."))
            ),
            _("Liste copiée : adaptez-la à ce pays."),
        )
        return redirect("staff:checklists")
    items = ChecklistItem.objects.order_by("country", "position", "pk")
    return render(
        request,
        "staff/checklists.html",
        {"items": items, "copy_form": form, "section": "contingents"},
    )


@manager_required
def checklist_item(request, pk: int | None = None):
    item = get_object_or_404(ChecklistItem, pk=pk) if pk else None
    form = ChecklistItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.save_checklist_item(item, actor=request.user, values=form.cleaned_data)
        messages.success(request, _("Élément enregistré."))
        return redirect("staff:checklists")
    return render(
        request,
        "staff/checklist_item.html",
        {"form": form, "item": item, "section": "contingents"},
    )


# A placement's file ------------------------------------------------------------------------------


@manager_required
def placement_file(request, pk: int):
    placement = get_placement_for_manager(request.user, pk)
    return render(
        request,
        "staff/mobility_file.html",
        {
            "placement": placement,
            "items": file_of(placement),
            "today": timezone.localdate(),
            "reason_form": ReasonForm(),
            "section": "contingents",
        },
    )


def _item_action(action, success):
    @manager_required
    @require_POST
    def view(request, pk: int):
        item = get_mobility_item_for_manager(request.user, pk)
        act(request, lambda: action(request, item), success)
        return redirect("staff:mobility", item.placement_id)

    return view


def _with_reason(service):
    def action(request, item):
        reason = valid(ReasonForm(request.POST), _("Indiquez le motif."))["reason"]
        service(item, actor=request.user, reason=reason)

    return action


item_verify = _item_action(
    lambda request, item: services.verify_item(item, actor=request.user), _("Vérifié.")
)
item_refuse = _item_action(
    _with_reason(services.refuse_item), _("Refusé ; la personne concernée est prévenue.")
)
item_not_applicable = _item_action(_with_reason(services.set_not_applicable), _("Sans objet."))
item_reopen = _item_action(
    lambda request, item: services.reopen_item(item, actor=request.user), _("Rouvert.")
)


# The readiness board -----------------------------------------------------------------------------


def _board(request, contingent):
    """The board, and all its items (for the filter), filtered as the page asks."""
    board = readiness_board(contingent, only_late=request.GET.get("late") == "1")
    column = request.GET.get("item", "")
    return (board.only(int(column)) if column.isdigit() else board), board.columns


@manager_required
def readiness(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    printable = request.GET.get("print") == "1"
    board, columns = _board(request, contingent)
    return render(
        request,
        "staff/readiness_print.html" if printable else "staff/readiness.html",
        {
            "contingent": contingent,
            "board": board,
            "all_columns": columns,
            "today": timezone.localdate(),
            "section": "contingents",
        },
    )


@manager_required
def readiness_csv(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    header, rows = board_csv(_board(request, contingent)[0])
    return csv_response(f"dossiers-{contingent.pk}.csv", header, rows)


# Workshops ---------------------------------------------------------------------------------------


@manager_required
def workshops(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST":
        act(
            request,
            lambda: services.create_workshop(
                contingent,
                actor=request.user,
                **valid(form, _("Indiquez la date, le lieu et le nombre de places.")),
            ),
            _("Atelier prévu ; les volontaires sont invité·e·s."),
        )
        return redirect("staff:workshops", pk)
    return render(
        request,
        "staff/workshops.html",
        {
            "contingent": contingent,
            "workshops": contingent.workshops.prefetch_related(
                "invitations__placement__volunteer__volunteer_profile"
            ),
            "form": form,
            "section": "contingents",
        },
    )


@manager_required
def workshop_attendance(request, pk: int):
    """The list to tick on the day, on a phone."""
    workshop = get_workshop_for_manager(request.user, pk)
    invitations = list(
        workshop.invitations.select_related("placement__volunteer__volunteer_profile").order_by(
            "placement__volunteer__volunteer_profile__last_name"
        )
    )
    form = AttendanceForm(request.POST or None, invitations=invitations)
    if request.method == "POST":
        act(
            request,
            lambda: services.record_attendance(
                workshop,
                actor=request.user,
                present=set(valid(form, _("Cette liste n'est pas valable."))["present"]),
            ),
            _("Présences enregistrées."),
        )
        return redirect("staff:workshops", workshop.contingent_id)
    return render(
        request,
        "staff/workshop_attendance.html",
        {"workshop": workshop, "invitations": invitations, "section": "contingents"},
    )
