"""Writes of the selection committee. Every write locks its session's row first: a write that
arrives after the session closed finds it closed and changes nothing.
"""

import hashlib
from collections import deque

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anvt.errors import Refused
from audit.models import StatusChange
from missions import rules, scoring
from missions.enums import (
    APPLICATION_DECIDED,
    APPLICATION_TRANSITIONS,
    PLACEMENT_HOLDS_SEAT,
    Actor,
    ApplicationStatus,
    PlacementStatus,
)
from missions.models import Application, Call, grid_of
from missions.placements import notify_application_status
from missions.workflow import WorkflowError, allowed_actors, transition
from notifications.services import Message, queue
from selection import links, minutes, queries
from selection.enums import DecisionReason, Dimension, Outcome, SessionStatus
from selection.models import (
    BalanceTarget,
    CommitteeMember,
    CommitteeSession,
    Decision,
    Declaration,
    Mark,
)

# The applications a committee can judge: checked eligible, not decided yet (or on a waiting
# list, to be judged again).
JUDGED = (
    ApplicationStatus.ELIGIBLE,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.WAITLISTED,
)
# The status each outcome leads to.
TARGET = {
    Outcome.SELECTED: ApplicationStatus.SHORTLISTED,
    Outcome.WAITLISTED: ApplicationStatus.WAITLISTED,
    Outcome.NOT_SELECTED: ApplicationStatus.REJECTED,
}


def judged(call: Call, contingent=None):
    """The applications a new session of `call` judges: not decided yet, or on a waiting list
    (judged again); never one a closed session of the call retained, nor one already placed in a
    contingent. With a contingent, those who chose a mission of its partner."""
    retained = Decision.objects.filter(
        session__call=call, session__status=SessionStatus.CLOSED, outcome=Outcome.SELECTED
    ).values("application_id")
    rows = (
        Application.objects.filter(call=call, status__in=JUDGED)
        .exclude(pk__in=retained)
        .exclude(placements__status__in=PLACEMENT_HOLDS_SEAT)
    )
    if contingent is not None:
        rows = rows.filter(choices__mission__partner=contingent.partner_id)
    return rows.distinct()


def _manager(actor) -> None:
    if not rules.is_programme_manager(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))


def _locked_open(session: CommitteeSession) -> CommitteeSession:
    """The session's row, locked; Refused once it is closed (a closed session is read-only)."""
    locked = CommitteeSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.OPEN:
        raise Refused(
            _("La séance est close : son procès-verbal est signé et plus rien n'y change.")
        )
    session.status = locked.status
    return locked


def _in_session(session: CommitteeSession, application: Application) -> None:
    if not session.applications.filter(pk=application.pk).exists():
        raise Refused(_("Cette candidature n'est pas examinée par cette séance."))


# Sessions and members ----------------------------------------------------------------------------


def create_session(
    *,
    actor,
    call: Call,
    title: str,
    held_at,
    place: str = "",
    quorum: int,
    staff=(),
    chair=None,
    contingent=None,
) -> CommitteeSession:
    """Open a session for the call's applications still to be judged, with its staff members
    (each told in the portal and by e-mail)."""
    _manager(actor)
    if quorum < 1:
        raise Refused(_("Le quorum est d'au moins un membre."))
    if contingent is not None and contingent.call_id != call.pk:
        raise Refused(_("Ce contingent n'appartient pas à cet appel."))
    staff = list(dict.fromkeys(staff))
    if chair is not None and chair not in staff:
        staff.append(chair)
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)
        if CommitteeSession.objects.filter(call=call, status=SessionStatus.OPEN).exists():
            raise Refused(
                _(
                    "Une séance de cet appel est déjà ouverte : clôturez-la avant d'en ouvrir "
                    "une autre."
                )
            )
        candidates = list(judged(call, contingent).values_list("pk", flat=True))
        if not candidates:
            raise Refused(_("Aucune candidature de cet appel n'attend de décision."))
        session = CommitteeSession.objects.create(
            call=call,
            contingent=contingent,
            title=title.strip(),
            held_at=held_at,
            place=place.strip(),
            quorum=quorum,
            created_by=actor,
        )
        session.applications.set(candidates)
        members = CommitteeMember.objects.bulk_create(
            CommitteeMember(
                session=session,
                user=user,
                name=user.name or user.email,
                email=user.email,
                quality=_("Programme, ANVT")
                if rules.is_programme_manager(user)
                else _("Évaluation, ANVT"),
                is_chair=user == chair,
            )
            for user in staff
        )
        queue(_invitation(member, session) for member in members)
    return session


def add_external_member(
    session: CommitteeSession, *, actor, name: str, email: str, quality: str, chair: bool = False
) -> CommitteeMember:
    """Invite someone from outside for this session only: a link by e-mail, no account."""
    _manager(actor)
    email = email.strip().lower()
    with transaction.atomic():
        _locked_open(session)
        if session.members.filter(email__iexact=email).exists():
            raise Refused(_("Cette adresse est déjà membre de la séance."))
        if chair:
            session.members.filter(is_chair=True).update(is_chair=False)
        member = CommitteeMember.objects.create(
            session=session,
            name=name.strip(),
            email=email,
            quality=quality.strip(),
            is_chair=chair,
            token=links.new_secret(),
        )
        queue([_invitation(member, session)])
    return member


def _invitation(member: CommitteeMember, session: CommitteeSession) -> Message:
    return Message(
        user=member.user,
        to_address="" if member.user else member.email,
        language="" if member.user else settings.LANGUAGE_CODE,
        event="committee_invitation",
        context={"session": session, "member": member, "contact_name": member.name},
        link=links.home_path(member),
    )


def set_attendance(session: CommitteeSession, *, actor, present: set[int]) -> None:
    _manager(actor)
    with transaction.atomic():
        _locked_open(session)
        session.members.update(present=False)
        session.members.filter(pk__in=present).update(present=True)


def remove_application(session: CommitteeSession, application: Application, *, actor) -> None:
    """Take an application off the session (withdrawn meanwhile, or judged elsewhere)."""
    _manager(actor)
    with transaction.atomic():
        _locked_open(session)
        _in_session(session, application)
        if session.decisions.filter(application=application).exists():
            raise Refused(_("Une décision est déjà saisie : effacez-la d'abord."))
        session.applications.remove(application)


# Declarations and marks --------------------------------------------------------------------------


def declare(
    member: CommitteeMember,
    application: Application,
    *,
    conflict: bool,
    kind: str = "",
    detail: str = "",
) -> None:
    """The member's declaration about one applicant. A conflict, once declared, stays: the
    member's marks for her are removed and the file closed to them."""
    if conflict and not kind:
        raise Refused(
            _("%(name)s : indiquez la nature du conflit d'intérêts.")
            % {"name": application.volunteer}
        )
    with transaction.atomic():
        _locked_open(member.session)
        _in_session(member.session, application)
        before = Declaration.objects.filter(member=member, application=application).first()
        if before is not None and before.conflict and not conflict:
            raise Refused(
                _(
                    "%(name)s : un conflit d'intérêts déclaré ne se retire pas ; la séance "
                    "décide sans votre note pour cette candidature."
                )
                % {"name": application.volunteer}
            )
        Declaration.objects.update_or_create(
            member=member,
            application=application,
            defaults={
                "conflict": conflict,
                "kind": kind if conflict else "",
                "detail": detail.strip()[:300] if conflict else "",
            },
        )
        if conflict:
            Mark.objects.filter(member=member, application=application).delete()


def declare_many(member: CommitteeMember, answers) -> int:
    """Several declarations of one member, all or none: `answers` is a list of (application,
    conflict, kind, detail). Returns how many changed."""
    changed = 0
    with transaction.atomic():
        _locked_open(member.session)
        for application, conflict, kind, detail in answers:
            before = Declaration.objects.filter(member=member, application=application).first()
            if before is not None and not before.conflict and not conflict:
                continue  # as declared
            declare(member, application, conflict=conflict, kind=kind, detail=detail)
            changed += 1
    return changed


def may_open(member: CommitteeMember, application: Application) -> None:
    """Refused unless the member has declared no conflict with this applicant."""
    declaration = Declaration.objects.filter(member=member, application=application).first()
    if declaration is None:
        raise Refused(
            _("Déclarez d'abord si vous avez un conflit d'intérêts avec cette candidature.")
        )
    if declaration.conflict:
        raise Refused(
            _(
                "Vous avez déclaré un conflit d'intérêts avec cette candidature : vous ne pouvez "
                "ni ouvrir son dossier ni la noter."
            )
        )


def mark(member: CommitteeMember, application: Application, *, scores: dict) -> Mark:
    with transaction.atomic():
        session = _locked_open(member.session)
        _in_session(session, application)
        may_open(member, application)
        grid = grid_of(session.call)
        marks = scoring.check(grid, scores)
        row, _created = Mark.objects.update_or_create(
            member=member,
            application=application,
            defaults={"scores": marks, "score": scoring.weighted(grid, marks)},
        )
    return row


# Decisions ---------------------------------------------------------------------------------------


def quorum_met(session: CommitteeSession) -> bool:
    return session.members.filter(present=True).count() >= session.quorum


def decide(
    session: CommitteeSession,
    application: Application,
    *,
    actor,
    outcome: str,
    reason: str,
    comment: str = "",
    rank: int | None = None,
) -> Decision:
    """Record the committee's decision on one applicant (applied when the session closes)."""
    _manager(actor)
    if outcome not in Outcome.values or reason not in DecisionReason.values:
        raise Refused(_("Choisissez une décision et son motif dans les listes."))
    if reason == DecisionReason.OTHER and not comment.strip():
        raise Refused(_("« Autre motif » demande un commentaire."))
    if outcome == Outcome.WAITLISTED and not rank:
        raise Refused(_("Donnez son rang sur la liste d'attente (1 pour la première place)."))
    rank = rank if outcome == Outcome.WAITLISTED else None
    with transaction.atomic():
        locked = _locked_open(session)
        _in_session(session, application)
        if not quorum_met(locked):
            raise Refused(
                _(
                    "Le quorum n'est pas atteint (%(present)s présent·e·s sur %(quorum)s "
                    "nécessaires) : notez d'abord les présences."
                )
                % {
                    "present": locked.members.filter(present=True).count(),
                    "quorum": locked.quorum,
                }
            )
        if rank and session.decisions.filter(rank=rank).exclude(application=application).exists():
            raise Refused(
                _("Le rang %(rank)s de la liste d'attente est déjà donné.") % {"rank": rank}
            )
        decision, _created = Decision.objects.update_or_create(
            session=session,
            application=application,
            defaults={
                "outcome": outcome,
                "rank": rank,
                "reason": reason,
                "comment": comment.strip()[:500],
                "decided_by": actor,
            },
        )
    return decision


def clear_decision(session: CommitteeSession, application: Application, *, actor) -> None:
    _manager(actor)
    with transaction.atomic():
        _locked_open(session)
        session.decisions.filter(application=application).delete()


def set_targets(call: Call, *, actor, targets: dict[tuple[str, str], int]) -> None:
    """Replace the call's balance targets: {(dimension, value): share in %}; a share left out or
    at 0 is no target."""
    _manager(actor)
    totals: dict[str, int] = {}
    for (dimension, _value), share in targets.items():
        if dimension not in Dimension.values or not 0 <= share <= 100:
            raise Refused(_("Une part visée va de 0 à 100 %."))
        totals[dimension] = totals.get(dimension, 0) + share
    over = [Dimension(d).label for d, total in totals.items() if total > 100]
    if over:
        raise Refused(
            _("Les parts visées de « %(dimension)s » dépassent 100 %% ensemble.")
            % {"dimension": over[0]}
        )
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)
        if CommitteeSession.objects.filter(call=call, status=SessionStatus.CLOSED).exists():
            raise Refused(
                _("Une séance de cet appel est close : ses objectifs y sont inscrits et restent.")
            )
        BalanceTarget.objects.filter(call=call).delete()
        BalanceTarget.objects.bulk_create(
            BalanceTarget(call=call, dimension=dimension, value=value, share=share)
            for (dimension, value), share in targets.items()
            if share
        )


# Closing -----------------------------------------------------------------------------------------


def _path(current: str, target: str) -> list[str]:
    """The statuses an application goes through, by moves a manager may make, from `current` to
    `target` (the shortest way), or [] when there is none."""
    staff_moves = {
        (source, to)
        for source, to in APPLICATION_TRANSITIONS
        if allowed_actors(Application, source, to) & {Actor.STAFF, Actor.MANAGER}
    }
    seen, todo = {current: []}, deque([current])
    while todo:
        status = todo.popleft()
        if status == target:
            return seen[status]
        for source, to in staff_moves:
            if source == status and to not in seen:
                seen[to] = [*seen[status], to]
                todo.append(to)
    return []


def close_session(session: CommitteeSession, *, actor) -> CommitteeSession:
    """Apply every decision through the application's transitions, in one go, with the session
    as the context of each move in the audit trail; write the minutes (PDF) and their SHA-256;
    close the links of the outside members. After this, nothing of the session changes."""
    _manager(actor)
    with transaction.atomic():
        # The call first, then the session: its targets cannot change while the minutes print.
        Call.objects.select_for_update().get(pk=session.call_id)
        locked = _locked_open(session)
        if locked.held_at > timezone.now():
            raise Refused(
                _("La séance est prévue le %(date)s : elle se clôt une fois tenue.")
                % {"date": date_format(timezone.localtime(locked.held_at), "DATETIME_FORMAT")}
            )
        if not quorum_met(locked):
            raise Refused(_("Le quorum n'est pas atteint : la séance ne peut pas être close."))
        decisions = {
            d.application_id: d for d in locked.decisions.select_related("application__call")
        }
        waiting = locked.applications.exclude(pk__in=list(decisions)).count()
        if waiting:
            raise Refused(
                _("%(count)s candidature(s) attendent encore une décision de la séance.")
                % {"count": waiting}
            )
        now = timezone.now()
        locked.closed_at, locked.closed_by = now, actor
        document = minutes.render(queries.minutes_data(locked))
        for decision in sorted(decisions.values(), key=lambda d: d.application_id):
            _apply(decision, actor=actor, context=locked.context_label)
        locked.status = SessionStatus.CLOSED
        locked.minutes_sha256 = hashlib.sha256(document).hexdigest()
        locked.minutes.save(f"{locked.pk}.pdf", ContentFile(document), save=False)
        locked.save()
        locked.members.exclude(token="").update(token="")
    return locked


def _apply(decision: Decision, *, actor, context: str) -> None:
    application = Application.objects.select_for_update().get(pk=decision.application_id)
    target = TARGET[decision.outcome]
    steps = _path(application.status, target) if application.status != target else []
    if application.status != target and not steps:
        raise Refused(
            _(
                "La décision sur %(name)s ne peut pas s'appliquer : sa candidature est « "
                "%(status)s ». Retirez-la de la séance."
            )
            % {"name": application.volunteer, "status": application.get_status_display()}
        )
    planned = application.placements.filter(status=PlacementStatus.PLANNED).first()
    if steps and planned is not None:
        raise Refused(
            _(
                "La candidature de %(name)s est dans le contingent « %(contingent)s », en "
                "préparation : retirez-la d'abord du contingent."
            )
            % {"name": application.volunteer, "contingent": planned.contingent.name}
        )
    reason = DecisionReason(decision.reason).label
    told = str(reason)
    if decision.outcome == Outcome.WAITLISTED:
        told = _("Rang %(rank)s sur la liste d'attente.") % {"rank": decision.rank}
    note = f"{reason}. {decision.comment}".strip() if decision.comment else str(reason)
    for status in steps:
        fields = []
        if status in APPLICATION_DECIDED and application.decided_at is None:
            application.decided_at = timezone.now()
            fields.append("decided_at")
        transition(
            application,
            status,
            actor=actor,
            reason=note if status == target else "",
            context=context,
            update_fields=fields,
        )
    if not steps:
        # Already there (a waiting list again, with its new rank): the decision is recorded all
        # the same, in the session's name, and a new rank is told.
        StatusChange.objects.create(
            subject=application,
            from_status=application.status,
            to_status=application.status,
            actor=actor,
            reason=note,
            context=context[:200],
        )
        if decision.outcome == Outcome.WAITLISTED:
            notify_application_status(application, reason=told)
        return
    notify_application_status(
        application, reason=told if decision.outcome != Outcome.SELECTED else ""
    )
