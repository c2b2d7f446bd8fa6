"""The one way a status changes: checked, audited, atomic.

Services in `missions.services` call `transition` for each move and add the move's own side
effects (dates, seats, notifications) in the same transaction.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from anvt.errors import Refused
from audit.context import current as acting_context
from audit.models import StatusChange
from missions import rules
from missions.enums import (
    APPLICATION_TRANSITIONS,
    CONTINGENT_TRANSITIONS,
    INCOMING_TRANSITIONS,
    MISSION_TRANSITIONS,
    PLACEMENT_TRANSITIONS,
)
from missions.models import Application, Contingent, IncomingVolunteer, Mission, Placement


class WorkflowError(Refused):
    """A move the rules forbid. The message is translated and may be shown to the user."""


def _tables():
    return {
        Application: APPLICATION_TRANSITIONS,
        Placement: PLACEMENT_TRANSITIONS,
        Contingent: CONTINGENT_TRANSITIONS,
        Mission: MISSION_TRANSITIONS,
        IncomingVolunteer: INCOMING_TRANSITIONS,
    }


def allowed_actors(model, from_status: str, to_status: str) -> frozenset[str]:
    allowed = _tables()[model].get((from_status, to_status))
    if allowed is None:
        return frozenset()
    return frozenset({allowed} if isinstance(allowed, str) else allowed)


def can_transition(obj, to_status: str, *, actor) -> bool:
    kinds = allowed_actors(type(obj), obj.status, to_status)
    return any(rules.may_act(kind, actor, obj) for kind in kinds)


def transition(
    obj,
    to_status: str,
    *,
    actor,
    job: str = "",
    reason: str = "",
    context: str = "",
    update_fields: Iterable[str] = (),
) -> bool:
    """Move `obj` to `to_status`, or raise WorkflowError and change nothing.

    `actor` is the user who acts, or None for a background job named by `job`; `context` says in
    whose name, when it is not only theirs (a committee's session). Other fields the
    caller has set on `obj` are saved with the status when listed in `update_fields`.
    Returns False, writing nothing, when the object already has that status.
    """
    if actor is None and not job:
        raise ValueError("A transition without an actor must name its job.")
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().values_list("status", flat=True).get(pk=obj.pk)
        if current == to_status:
            obj.status = current
            return False
        kinds = allowed_actors(model, current, to_status)
        labels = dict(model._meta.get_field("status").choices)
        if not kinds:
            raise WorkflowError(
                _("Impossible de passer du statut « %(from)s » au statut « %(to)s ».")
                % {"from": labels.get(current, current), "to": labels.get(to_status, to_status)}
            )
        obj.status = current
        if not any(rules.may_act(kind, actor, obj) for kind in kinds):
            raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
        obj.status = to_status
        obj.save(update_fields=["status", *update_fields])
        StatusChange.objects.create(
            subject=obj,
            from_status=current,
            to_status=to_status,
            actor=actor,
            job=job,
            reason=reason,
            context=(context or acting_context())[:200],
        )
    return True


def transition_many(moves: Iterable[tuple[object, str]], *, job: str) -> list[object]:
    """Move many objects of one model at once, as the background job `job`: the bulk variant of
    `transition` for the eligibility engine, with the same rules and one audit row per move.

    The caller holds the rows locked (select_for_update) inside its transaction. Returns the
    objects that moved; an object already in its target status is left alone, and a move the
    table does not allow a job to make raises WorkflowError before anything is written.
    """
    moves = [(obj, to_status) for obj, to_status in moves if obj.status != to_status]
    if not moves:
        return []
    model = type(moves[0][0])
    for obj, to_status in moves:
        if not any(
            rules.may_act(kind, None, obj) for kind in allowed_actors(model, obj.status, to_status)
        ):
            raise WorkflowError(
                _("Impossible de passer du statut « %(from)s » au statut « %(to)s ».")
                % {"from": obj.status, "to": to_status}
            )
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    changes = [
        StatusChange(
            content_type=content_type,
            object_id=obj.pk,
            from_status=obj.status,
            to_status=to_status,
            job=job,
            created_at=now,
        )
        for obj, to_status in moves
    ]
    stamp = {"updated_at": now} if any(f.name == "updated_at" for f in model._meta.fields) else {}
    # Inside the caller's transaction (it holds the locks): no savepoint of its own, the moves
    # and their audit rows commit or roll back with the rest of its work.
    with transaction.atomic(savepoint=False):
        # One statement, whatever the number of target statuses.
        by_target = {}
        for obj, to in moves:
            by_target.setdefault(to, []).append(obj.pk)
        targets = Case(*(When(pk__in=ids, then=Value(to)) for to, ids in by_target.items()))
        model.objects.filter(pk__in=[obj.pk for obj, _to in moves]).update(status=targets, **stamp)
        StatusChange.objects.bulk_create(changes)
    for obj, to_status in moves:
        obj.status = to_status
    return [obj for obj, _to in moves]
