"""The volunteer's mobility file, on her phone: her items to complete, the others' state, and
the pre-departure workshops she is invited to."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import volunteer_required
from anvt.http import act, valid
from mobility import services
from mobility.enums import ItemOwner
from mobility.forms import ItemForm
from mobility.queries import file_of
from volunteer_space.access import (
    get_invitation_for_volunteer,
    get_mobility_item_for_volunteer,
    get_placement_for_volunteer,
)


@volunteer_required
def mobility_file(request, pk: int):
    placement = get_placement_for_volunteer(request.user, pk)
    items = file_of(placement)
    return render(
        request,
        "volunteers/mobility.html",
        {
            "placement": placement,
            "items": items,
            "mine": [item for item in items if item.template.owner == ItemOwner.VOLUNTEER],
            "others": [item for item in items if item.template.owner != ItemOwner.VOLUNTEER],
            "open": placement.status in services.FILE_OPEN,
            "invitations": placement.workshop_invitations.select_related("workshop").order_by(
                "workshop__starts_at"
            ),
            "today": timezone.localdate(),
            "now": timezone.now(),
        },
    )


@volunteer_required
@require_POST
def mobility_item(request, pk: int, item_pk: int):
    item = get_mobility_item_for_volunteer(request.user, pk, item_pk)
    form = ItemForm(request.POST, request.FILES)
    act(
        request,
        lambda: services.submit_item(
            item,
            actor=request.user,
            date_value=valid(form, form.first_error())["date_value"],
            upload=form.cleaned_data["file"],
        ),
        _("Transmis à l'ANVT, qui va le vérifier."),
    )
    return redirect(f"{reverse('volunteers:mobility', args=[pk])}#item-{item.pk}")


@volunteer_required
@require_POST
def workshop_answer(request, pk: int, coming: bool):
    invitation = get_invitation_for_volunteer(request.user, pk)
    act(
        request,
        lambda: services.answer_invitation(invitation, actor=request.user, coming=coming),
        _("Réponse enregistrée."),
    )
    return redirect("volunteers:mobility", invitation.placement_id)
