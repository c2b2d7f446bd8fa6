"""What the committee's pages and minutes show, read in a fixed number of queries whatever the
number of applicants and members."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from missions import scoring
from missions.models import Application, ApplicationChoice, Theme, grid_of
from selection.enums import ConflictKind, DecisionReason, Dimension, Outcome, SessionStatus
from selection.models import BalanceTarget, CommitteeMember, CommitteeSession, Declaration, Mark
from volunteers.enums import Gender, NationalityStatus, Region


@dataclass
class Cell:
    member: CommitteeMember
    score: Decimal | None = None
    declared: bool = False
    conflict: bool = False


@dataclass
class Row:
    application: Application
    name: str
    cells: list[Cell]
    mean: Decimal | None
    marks: int
    conflicts: int
    decision: object = None
    facts: dict = field(default_factory=dict)
    position: int = 0
    # The viewer may not see the others' marks yet (theirs not given, or a conflict).
    hidden: bool = False


def applicants(session: CommitteeSession):
    first_choice = ApplicationChoice.objects.filter(rank=1).select_related("mission__theme")
    return (
        session.applications.select_related("volunteer", "volunteer__volunteer_profile")
        .prefetch_related(Prefetch("choices", queryset=first_choice, to_attr="first_choice"))
        .order_by("pk")
    )


def full_name(application: Application) -> str:
    profile = getattr(application.volunteer, "volunteer_profile", None)
    return (profile.full_name if profile else "") or str(application.volunteer)


def facts(application: Application) -> dict[str, str]:
    """The values the balance panel counts, by dimension."""
    profile = getattr(application.volunteer, "volunteer_profile", None)
    choice = application.first_choice[0] if application.first_choice else None
    residence = ""
    if profile is not None and profile.nationality_status == NationalityStatus.TOGOLESE_RESIDENT:
        residence = "resident"
    elif profile is not None and profile.nationality_status == NationalityStatus.TOGOLESE_DIASPORA:
        residence = "diaspora"
    return {
        Dimension.GENDER: profile.gender if profile else "",
        Dimension.REGION: profile.region if profile else "",
        Dimension.RESIDENCE: residence,
        Dimension.THEME: choice.mission.theme.slug if choice else "",
    }


def board(session: CommitteeSession, *, viewer: CommitteeMember | None = None) -> list[Row]:
    """The applicants ranked by the committee's mean score (unmarked last), each member's score
    or the reason it is missing. A `viewer` (a member who does not run the session) sees the
    others' scores of an applicant once they have given theirs, and never with a conflict."""
    members = list(session.members.all())
    marks = {
        (m.member_id, m.application_id): m.score for m in Mark.objects.filter(member__in=members)
    }
    declared = {
        (d.member_id, d.application_id): d.conflict
        for d in Declaration.objects.filter(member__in=members)
    }
    decisions = {d.application_id: d for d in session.decisions.all()}
    rows = []
    for application in applicants(session):
        cells = [
            Cell(
                member=member,
                score=marks.get((member.pk, application.pk)),
                declared=(member.pk, application.pk) in declared,
                conflict=declared.get((member.pk, application.pk), False),
            )
            for member in members
        ]
        scores = [cell.score for cell in cells if cell.score is not None]
        rows.append(
            Row(
                application=application,
                name=full_name(application),
                cells=cells,
                mean=scoring.mean(scores),
                marks=len(scores),
                conflicts=sum(cell.conflict for cell in cells),
                decision=decisions.get(application.pk),
                facts=facts(application),
            )
        )
    if viewer is not None:
        for row in rows:
            if (viewer.pk, row.application.pk) not in marks:
                # Neither marks nor mean nor rank: after the ranked rows, in no order of merit.
                row.hidden = True
                row.mean, row.marks = None, 0
                for cell in row.cells:
                    cell.score = None
    rows.sort(key=lambda row: (row.hidden, row.mean is None, -(row.mean or 0), row.application.pk))
    for position, row in enumerate(rows, start=1):
        row.position = 0 if row.hidden else position
    return rows


def value_labels(dimension: str) -> dict[str, str]:
    if dimension == Dimension.GENDER:
        return {Gender.FEMALE: str(Gender.FEMALE.label), Gender.MALE: str(Gender.MALE.label)}
    if dimension == Dimension.REGION:
        return {value: str(label) for value, label in Region.choices}
    if dimension == Dimension.RESIDENCE:
        return {"resident": _("Résident·e·s au Togo"), "diaspora": _("Diaspora")}
    return {theme.slug: theme.name for theme in Theme.objects.filter(active=True)}


@dataclass
class Share:
    value: str
    label: str
    count: int
    percent: int
    target: int | None
    pool: int  # among the session's applicants

    @property
    def gap(self) -> int | None:
        return None if self.target is None else self.percent - self.target

    @property
    def state(self) -> str:
        if self.target is None:
            return ""
        return "met" if self.percent >= self.target else "short"


def balance(session: CommitteeSession, rows: list[Row] | None = None) -> list[tuple[str, list]]:
    """Per dimension, the selection being formed (decisions "selected") against the call's
    targets, beside the make-up of all the applicants judged."""
    rows = rows if rows is not None else board(session)
    chosen = [row for row in rows if row.decision and row.decision.outcome == Outcome.SELECTED]
    targets = {
        (t.dimension, t.value): t.share for t in BalanceTarget.objects.filter(call=session.call)
    }
    panel = []
    for dimension, title in Dimension.choices:
        labels = value_labels(dimension)
        shares = []
        for value, label in labels.items():
            count = sum(1 for row in chosen if row.facts[dimension] == value)
            pool = sum(1 for row in rows if row.facts[dimension] == value)
            target = targets.get((dimension, value))
            if not (count or pool or target):
                continue
            shares.append(
                Share(
                    value=value,
                    label=label,
                    count=count,
                    percent=round(100 * count / len(chosen)) if chosen else 0,
                    target=target,
                    pool=pool,
                )
            )
        panel.append((str(title), shares))
    return panel


# The minutes -------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def minutes_data(session: CommitteeSession) -> dict:
    """Everything the procès-verbal prints, as plain text (selection.minutes typesets it): in
    French, whatever the language of the manager who closes."""
    from django.utils import translation

    with translation.override("fr"):
        rows = board(session)
        members = list(session.members.all())
        grid = grid_of(session.call)
        conflicts = list(
            Declaration.objects.filter(member__session=session, conflict=True)
            .select_related("member", "application__volunteer__volunteer_profile")
            .order_by("member__name", "application_id")
        )
        local = timezone.localtime(session.held_at)
        closed = timezone.localtime(session.closed_at or timezone.now())
        chair = next((m for m in members if m.is_chair), None)
        return _wrapped(
            {
                "agency": "Agence Nationale du Volontariat au Togo (ANVT)",
                "republic": "République Togolaise",
                "motto": "Travail – Liberté – Patrie",
                "programme": "Volontariat International de Réciprocité",
                "number": str(session.pk),
                "title": session.title,
                "call": session.call.title,
                "contingent": session.contingent.name if session.contingent else "",
                "date": date_format(local, "DATE_FORMAT"),
                "time": date_format(local, "TIME_FORMAT"),
                "place": session.place or "—",
                "quorum": str(session.quorum),
                "present": str(sum(m.present for m in members)),
                "chair": chair.name if chair else "",
                "closed_by": str(session.closed_by or ""),
                "closed_at": date_format(closed, "DATETIME_FORMAT"),
                "members": [
                    {
                        "ref": f"M{position}",
                        "name": m.name,
                        "quality": m.quality or "—",
                        "kind": "Membre extérieur·e" if m.is_external else "ANVT",
                        "role": "Présidence" if m.is_chair else "Membre",
                        "present": "Présent·e" if m.present else "Absent·e",
                    }
                    for position, m in enumerate(members, start=1)
                ],
                "conflicts": [
                    {
                        "member": d.member.name,
                        "applicant": full_name(d.application),
                        "kind": str(ConflictKind(d.kind).label),
                        "detail": d.detail or "—",
                    }
                    for d in conflicts
                ],
                "grid": [
                    {
                        "name": c.name,
                        "description": c.description or "—",
                        "weight": str(c.weight),
                        "max": str(c.max_score),
                    }
                    for c in grid
                ],
                "member_refs": [f"M{position}" for position in range(1, len(members) + 1)],
                "ranking": [
                    {
                        "position": str(row.position),
                        "name": row.name,
                        "mean": _number(row.mean),
                        "cells": [
                            "CI" if cell.conflict else _number(cell.score) for cell in row.cells
                        ],
                        "decision": _decision_text(row.decision),
                        "reason": str(DecisionReason(row.decision.reason).label)
                        if row.decision
                        else "—",
                        "comment": row.decision.comment if row.decision else "",
                    }
                    for row in rows
                ],
                "totals": {
                    str(label): str(
                        sum(1 for r in rows if r.decision and r.decision.outcome == value)
                    )
                    for value, label in Outcome.choices
                },
                "balance": [
                    {
                        "dimension": title,
                        "shares": [
                            {
                                "label": s.label,
                                "pool": str(s.pool),
                                "count": str(s.count),
                                "percent": f"{s.percent} %",
                                "target": f"{s.target} %" if s.target is not None else "—",
                            }
                            for s in shares
                        ],
                    }
                    for title, shares in balance(session, rows)
                ],
            }
        )


def _wrapped(value):
    if isinstance(value, str):
        return _breakable(value)
    if isinstance(value, list):
        return [_wrapped(item) for item in value]
    if isinstance(value, dict):
        return {key: _wrapped(item) for key, item in value.items()}
    return value


def _text_or_empty(value) -> str:
    return "" if value is None else str(value)


def _breakable(text: str) -> str:
    """Long runs without spaces (an e-mail used as a name, a pasted link) get break
    opportunities, so that the minutes' table cells wrap them instead of running off the page."""
    words = []
    for word in text.split(" "):
        if len(word) > 24:
            word = re.sub(r"([@._/-])", "\\1\u200b", word)
            word = "\u200b".join(word[i : i + 16] for i in range(0, len(word), 16))
        words.append(word)
    return " ".join(words)


def _decision_text(decision) -> str:
    if decision is None:
        return "—"
    if decision.outcome == Outcome.WAITLISTED:
        return f"Liste d'attente (rang {decision.rank})"
    return str(Outcome(decision.outcome).label)


# The volunteer's own part ------------------------------------------------------------------------


def volunteer_part(volunteer) -> list[dict]:
    """What the committees recorded about her, for her data export: per session, the marks given
    to her (by criterion, without the members' names), her mean score and the decision with its
    reason. Nothing about anyone else. Only closed sessions: until then, nothing is decided."""
    out = []
    sessions = CommitteeSession.objects.filter(
        applications__volunteer=volunteer, status=SessionStatus.CLOSED
    ).select_related("call")
    for session in sessions.distinct().order_by("held_at"):
        application = session.applications.get(volunteer=volunteer)
        marks = list(Mark.objects.filter(member__session=session, application=application))
        decision = session.decisions.filter(application=application).first()
        grid = grid_of(session.call)
        out.append(
            {
                "session": session.title,
                "date": session.held_at.date().isoformat(),
                "call": session.call.title,
                "scores": [
                    {
                        "criterion": c.name,
                        "out_of": c.max_score,
                        "weight": c.weight,
                        "marks": [m.scores.get(c.key) for m in marks],
                    }
                    for c in grid
                ],
                "score_out_of_20": [str(m.score) for m in marks],
                "mean_out_of_20": _text_or_empty(scoring.mean([m.score for m in marks])),
                "decision": str(Outcome(decision.outcome).label) if decision else "",
                "waiting_rank": decision.rank if decision else None,
                "reason": str(DecisionReason(decision.reason).label) if decision else "",
                "comment": decision.comment if decision else "",
            }
        )
    return out
