"""Writes of the mobility file: the countries' checklists, each placement's items, the
pre-departure workshops, and the departure that waits for a ready file (or an override).

Each item's change of state is written to the audit trail (audit.StatusChange) with its actor,
in the transaction of the change."""

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anvt.errors import Refused
from audit.models import StatusChange
from missions import rules
from missions.enums import PlacementEventKind, PlacementStatus
from missions.models import Contingent, Placement, PlacementEvent
from missions.placements import record_departure
from mobility.enums import ITEM_READY, ITEM_TRANSITIONS, Answer, ItemOwner, ItemState
from mobility.models import ChecklistItem, MobilityItem, Workshop, WorkshopInvitation
from notifications.services import Message, queue
from volunteers.enums import DocumentKind
from volunteers.models import Document
from volunteers.uploads import safe_name

# Placements whose file is still being completed.
FILE_OPEN = frozenset({PlacementStatus.CONFIRMED})


class NotReady(Refused):
    """A departure recorded while items are not verified: the page asks for an override."""

    def __init__(self, items: list[MobilityItem]):
        self.items = items
        super().__init__(
            _("Le dossier de départ n'est pas complet : %(items)s.")
            % {"items": ", ".join(item.template.label for item in items)}
        )


def _require_manager(actor) -> None:
    if not rules.is_programme_manager(actor):
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))


# Checklists --------------------------------------------------------------------------------------


def save_checklist_item(item: ChecklistItem | None, *, actor, values: dict) -> ChecklistItem:
    _require_manager(actor)
    with transaction.atomic():
        item = item or ChecklistItem()
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        # Open files of that country get the new item (a due date from their departure).
        for placement in Placement.objects.filter(
            status__in=FILE_OPEN, mission__country=item.country
        ).select_related("contingent", "mission"):
            open_file(placement)
    return item


def copy_checklist(*, actor, source: str, target: str) -> int:
    """A new country's checklist starts from another's; refused when it already has one."""
    _require_manager(actor)
    if source == target:
        raise Refused(_("Choisissez un autre pays que celui de la liste copiée."))
    if ChecklistItem.objects.filter(country=target).exists():
        raise Refused(_("Ce pays a déjà sa liste : modifiez-la plutôt."))
    items = list(ChecklistItem.objects.filter(country=source, active=True))
    if not items:
        raise Refused(_("Le pays à copier n'a pas de liste."))
    for item in items:
        item.pk = None
        item.country = target
    ChecklistItem.objects.bulk_create(items)
    return len(items)


# The file of a placement -------------------------------------------------------------------------


def _due(placement: Placement, template: ChecklistItem) -> date:
    return placement.planned_departure - timedelta(days=template.days_before_departure)


def open_file(placement: Placement) -> list[MobilityItem]:
    """Give the placement the items of its destination's checklist it does not have yet."""
    have = set(placement.mobility_items.values_list("template_id", flat=True))
    new = [
        MobilityItem(placement=placement, template=template, due_date=_due(placement, template))
        for template in ChecklistItem.objects.filter(country=placement.mission.country, active=True)
        if template.pk not in have
    ]
    return MobilityItem.objects.bulk_create(new)


def open_file_on_confirmation(sender, placement: Placement, **kwargs) -> None:
    open_file(placement)


def _may_complete(item: MobilityItem, user) -> bool:
    placement = item.placement
    owner = item.template.owner
    if rules.is_programme_manager(user):
        return True  # on behalf of anyone (a host without an account sends its papers)
    if owner == ItemOwner.VOLUNTEER:
        return user is not None and placement.volunteer_id == user.pk
    if owner == ItemOwner.PARTNER:
        return rules.is_coordinator_of(user, placement.contingent.partner_id)
    return False


def _move(item: MobilityItem, to: str, *, actor, reason: str = "", fields=()) -> None:
    """Change an item's state under its row lock, or refuse and change nothing."""
    current = (
        MobilityItem.objects.select_for_update().values_list("state", flat=True).get(pk=item.pk)
    )
    kind = ITEM_TRANSITIONS.get((current, to))
    labels = dict(ItemState.choices)
    if kind is None:
        raise Refused(
            _("Impossible de passer de « %(from)s » à « %(to)s ».")
            % {"from": labels[current], "to": labels[to]}
        )
    allowed = rules.is_programme_manager(actor) if kind == "manager" else _may_complete(item, actor)
    if not allowed:
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))
    if (current, to) == (ItemState.TO_DO, ItemState.VERIFIED) and item.template.owner not in (
        ItemOwner.ANVT,
        ItemOwner.HOST,
    ):
        raise Refused(_("Cet élément doit d'abord être transmis par qui le complète."))
    item.state = to
    item.reason = reason
    item.updated_by = actor
    item.updated_at = timezone.now()
    item.save(update_fields=["state", "reason", "updated_by", "updated_at", *fields])
    StatusChange.objects.create(
        subject=item, from_status=current, to_status=to, actor=actor, reason=reason
    )


def submit_item(
    item: MobilityItem, *, actor, date_value: date | None = None, upload=None
) -> MobilityItem:
    """Whoever completes the item sends it: its document (a checked upload, see
    volunteers.forms.UploadField) and its date where the checklist asks for them."""
    if item.placement.status not in FILE_OPEN:
        raise Refused(_("Ce dossier de départ est clos."))
    template = item.template
    if template.is_workshop:
        raise Refused(_("La présence à l'atelier est notée par l'ANVT le jour même."))
    if template.needs_document and upload is None and item.document_id is None:
        raise Refused(_("Joignez la pièce demandée."))
    if template.needs_date and date_value is None:
        raise Refused(_("Indiquez la date demandée."))
    # Refuse before anything is written: a refused upload leaves no file behind.
    if ITEM_TRANSITIONS.get((item.state, ItemState.SUBMITTED)) is None:
        raise Refused(_("Cet élément ne peut plus être modifié."))
    if not _may_complete(item, actor):
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))
    with transaction.atomic():
        fields = []
        if template.needs_date:
            item.date_value = date_value
            fields.append("date_value")
        if upload is not None:
            document = Document(
                volunteer_id=item.placement.volunteer_id,
                kind=DocumentKind.MOBILITY,
                original_name=safe_name(upload),
                content_type=upload.checked_content_type,
                size=upload.size,
            )
            document.file.save(upload.name, upload, save=False)
            document.save()
            item.document = document
            fields.append("document")
        _move(item, ItemState.SUBMITTED, actor=actor, fields=fields)
    return item


def verify_item(item: MobilityItem, *, actor) -> None:
    with transaction.atomic():
        _move(item, ItemState.VERIFIED, actor=actor)


def refuse_item(item: MobilityItem, *, actor, reason: str) -> None:
    """Refused with what to do instead; whoever completes it is told."""
    if not reason.strip():
        raise Refused(_("Indiquez le motif du refus."))
    with transaction.atomic():
        _move(item, ItemState.REFUSED, actor=actor, reason=reason.strip())
        if item.template.owner == ItemOwner.VOLUNTEER:
            queue(
                [
                    Message(
                        user=item.placement.volunteer,
                        event="mobility_item_refused",
                        context={"item": item, "reason": reason.strip()},
                        link=reverse("volunteers:mobility", args=[item.placement_id]),
                    )
                ]
            )


def set_not_applicable(item: MobilityItem, *, actor, reason: str) -> None:
    if not reason.strip():
        raise Refused(_("Indiquez pourquoi cet élément est sans objet."))
    with transaction.atomic():
        _move(item, ItemState.NOT_APPLICABLE, actor=actor, reason=reason.strip())


def reopen_item(item: MobilityItem, *, actor) -> None:
    with transaction.atomic():
        _move(item, ItemState.TO_DO, actor=actor)


# Workshops ---------------------------------------------------------------------------------------


def create_workshop(contingent: Contingent, *, actor, starts_at, place: str, seats: int):
    """A pre-departure workshop; every confirmed volunteer of the contingent is invited."""
    _require_manager(actor)
    if starts_at <= timezone.now():
        raise Refused(_("Un atelier se prévoit à l'avance : choisissez une date à venir."))
    placements = list(
        contingent.placements.filter(status__in=FILE_OPEN).select_related("volunteer")
    )
    if not placements:
        raise Refused(_("Aucun·e volontaire confirmé·e à inviter dans ce contingent."))
    with transaction.atomic():
        workshop = Workshop.objects.create(
            contingent=contingent, starts_at=starts_at, place=place.strip(), seats=seats
        )
        WorkshopInvitation.objects.bulk_create(
            WorkshopInvitation(workshop=workshop, placement=placement) for placement in placements
        )
        queue(
            Message(
                user=placement.volunteer,
                event="workshop_invitation",
                context={"workshop": workshop},
                link=reverse("volunteers:mobility", args=[placement.pk]),
            )
            for placement in placements
        )
    return workshop


def answer_invitation(invitation: WorkshopInvitation, *, actor, coming: bool) -> None:
    if invitation.placement.volunteer_id != getattr(actor, "pk", None):
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))
    if invitation.workshop.starts_at <= timezone.now():
        raise Refused(_("Cet atelier a déjà eu lieu."))
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=invitation.workshop_id)
        if coming:
            taken = workshop.invitations.filter(answer=Answer.YES).exclude(pk=invitation.pk).count()
            if taken >= workshop.seats:
                raise Refused(_("Cet atelier est complet : l'ANVT vous proposera une autre date."))
        invitation.answer = Answer.YES if coming else Answer.NO
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answer", "answered_at"])


def record_attendance(workshop: Workshop, *, actor, present: set[int]) -> int:
    """The list ticked on the day: `present` are invitation ids. The workshop item of each
    present volunteer's file is verified."""
    _require_manager(actor)
    invitations = list(workshop.invitations.select_related("placement"))
    if not present <= {invitation.pk for invitation in invitations}:
        raise Refused(_("Cette liste ne correspond pas aux invité·e·s de l'atelier."))
    with transaction.atomic():
        for invitation in invitations:
            invitation.attended = invitation.pk in present
            invitation.recorded_by = actor
        WorkshopInvitation.objects.bulk_update(invitations, ["attended", "recorded_by"])
        workshop_items = MobilityItem.objects.filter(
            placement_id__in=[i.placement_id for i in invitations], template__is_workshop=True
        ).select_related("template", "placement")
        present_placements = {i.placement_id for i in invitations if i.attended}
        day = timezone.localdate(workshop.starts_at)
        for item in workshop_items:
            if item.placement_id in present_placements and item.state not in ITEM_READY:
                item.date_value = day
                _move(item, ItemState.VERIFIED, actor=actor, fields=["date_value"])
            elif (
                item.placement_id not in present_placements
                and item.state == ItemState.VERIFIED
                and item.date_value == day
            ):
                # Ticked by mistake at this workshop: the correction takes it back.
                item.date_value = None
                _move(item, ItemState.TO_DO, actor=actor, fields=["date_value"])
    return len(present)


# Departure ---------------------------------------------------------------------------------------


def not_ready(placement: Placement) -> list[MobilityItem]:
    return [
        item for item in placement.mobility_items.with_template() if item.state not in ITEM_READY
    ]


def depart(placement: Placement, *, actor, on: date, override: str = "") -> None:
    """Record a departure. While items of the file are not verified, it needs an override
    (its reason), recorded with the items it overrode."""
    missing = not_ready(placement)
    if missing and not override.strip():
        raise NotReady(missing)
    with transaction.atomic():
        record_departure(placement, actor=actor, on=on)
        if missing:
            PlacementEvent.objects.create(
                placement=placement,
                kind=PlacementEventKind.DEPARTURE_OVERRIDE,
                actor=actor,
                data={
                    "reason": override.strip(),
                    "items": [item.template.label_fr for item in missing],
                },
            )
