"""The eligibility rules of the VIR programme (PRODUCT section 4), as a pure function.

No ORM and no I/O: `evaluate(facts, rules)` looks only at its arguments, so that it can be tested
exhaustively, run in bulk and explained. `missions.checking.read_facts` builds the arguments from
the database. Messages are rendered in the active language when they are read, from the
JSON-serialisable `params` that reports store, for their audience: `message` speaks to the volunteer
("Vous aurez 26 ans…"), `message_about(name)` speaks of them to staff and partners ("Ama aura 26
ans…"). Warnings are phrased for everyone alike.
"""

from __future__ import annotations

import calendar
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, ngettext

from volunteers.enums import IDENTITY_DOCUMENTS, DocumentKind, NationalityStatus

ENGINE_VERSION = "1.1"  # 1.1: experiences attested by their hosts (issue 20)

PASS = "pass"  # noqa: S105 (an outcome, not a password)
FAIL = "fail"
MISSING = "missing"

CRITERIA = ("age", "experience", "nationality", "identity", "documents", "overlap")
IDENTITY_KINDS = IDENTITY_DOCUMENTS
DEFAULT_NATIONALITY_STATUSES = frozenset(
    {NationalityStatus.TOGOLESE_RESIDENT, NationalityStatus.TOGOLESE_DIASPORA}
)
DEFAULT_REQUIRED_DOCUMENTS = frozenset(
    {DocumentKind.CV, DocumentKind.MOTIVATION_LETTER, DocumentKind.EXPERIENCE_CERTIFICATE}
)
PASSPORT_MARGIN_MONTHS = 6

Period = tuple[date, date | None]


@dataclass(frozen=True)
class Facts:
    """What is known of one application, reduced to plain values."""

    birth_date: date | None
    nationality_status: str | None
    # (start, end or None = ongoing), the host's dates where it attested them; rejected ones left
    # out.
    experiences: Sequence[Period] = ()
    attested_experiences: Sequence[Period] = ()  # those of `experiences` their host attested
    identity_documents: Sequence[tuple[str, date | None]] = ()  # (kind, expiry or None)
    document_kinds: Iterable[str] = frozenset()
    busy_periods: Sequence[Period] = ()  # confirmed or departed placements
    mission_periods: Sequence[tuple[date, date]] = ()  # the chosen missions
    unverified_experiences: int = 0  # declared experiences staff have not verified yet


@dataclass(frozen=True)
class Rules:
    """A call's eligibility parameters, evaluated at its reference date."""

    reference_date: date
    min_age: int = 18
    max_age: int = 25
    min_experience_months: int = 24
    nationality_statuses: Iterable[str] = DEFAULT_NATIONALITY_STATUSES
    required_documents: Iterable[str] = DEFAULT_REQUIRED_DOCUMENTS
    # Only experience attested by its host counts (the call's choice).
    require_attested_experience: bool = False


@dataclass(frozen=True)
class CriterionResult:
    code: str
    outcome: str
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The result told to the volunteer, in the second person."""
        return self.message_about(None)

    def message_about(self, name: str | None) -> str:
        """The result told about the volunteer `name` to staff and partners; `None`: to the
        volunteer."""
        return _MESSAGES[self.code](self.outcome, self.params, name)

    @property
    def passed(self) -> bool:
        return self.outcome == PASS


@dataclass(frozen=True)
class Warning:  # a domain word; it shadows the builtin only inside this module
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return _WARNING_MESSAGES[self.code](self.params)


@dataclass(frozen=True)
class Report:
    criteria: dict[str, CriterionResult]
    warnings: list[Warning] = field(default_factory=list)
    engine_version: str = ENGINE_VERSION

    @property
    def eligible(self) -> bool:
        return all(result.outcome == PASS for result in self.criteria.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine_version": self.engine_version,
            "eligible": self.eligible,
            # Written out rather than dataclasses.asdict, whose deep copies were a large part of a
            # whole-call re-check; params are never shared, so nothing needs copying.
            "criteria": [
                {"code": r.code, "outcome": r.outcome, "value": r.value, "params": r.params}
                for r in self.criteria.values()
            ],
            "warnings": [{"code": w.code, "params": w.params} for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            criteria={item["code"]: CriterionResult(**item) for item in data["criteria"]},
            warnings=[Warning(**item) for item in data.get("warnings", [])],
            engine_version=data.get("engine_version", ENGINE_VERSION),
        )


# Dates and periods -------------------------------------------------------------------------------


def birthday(birth_date: date, year: int) -> date:
    """The birthday in `year`; someone born on 29 February has it on 1 March in other years."""
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def age_at(birth_date: date, on: date) -> int:
    """Completed years on a date."""
    years = on.year - birth_date.year
    return years if on >= birthday(birth_date, on.year) else years - 1


def merge_periods(periods: Iterable[Period], until: date) -> list[tuple[date, date]]:
    """The union of periods (dates inclusive) up to `until`, as sorted disjoint periods.

    Ongoing periods run to `until`; nothing after it counts; adjacent periods join.
    """
    clipped = sorted(
        (start, min(end or until, until))
        for start, end in periods
        if start <= min(end or until, until)
    )
    merged: list[tuple[date, date]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1] + timedelta(days=1):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def experience_days(periods: Iterable[Period], until: date) -> int:
    """Days covered by the union of the periods up to `until`, both ends counted."""
    return sum((end - start).days + 1 for start, end in merge_periods(periods, until))


def required_days(months: int) -> float:
    return months * 365 / 12


def months_and_days(days: int) -> tuple[int, int]:
    """Days expressed as the engine counts months (365 / 12 days each) and remaining days."""
    months = days * 12 // 365
    return months, days - int(required_days(months))


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    a_end, b_end = a[1] or date.max, b[1] or date.max
    return a[0] <= b_end and b[0] <= a_end


# The criteria ------------------------------------------------------------------------------------


def _age(facts: Facts, rules: Rules) -> CriterionResult:
    ref = rules.reference_date
    if facts.birth_date is None:
        return CriterionResult("age", MISSING)
    age = age_at(facts.birth_date, ref)
    params = {
        "age": age,
        "reference_date": ref.isoformat(),
        "min_age": rules.min_age,
        "max_age": rules.max_age,
    }
    if age < rules.min_age:
        turns = birthday(facts.birth_date, facts.birth_date.year + rules.min_age)
        return CriterionResult("age", FAIL, age, {**params, "on": turns.isoformat()})
    if age > rules.max_age:
        turned = birthday(facts.birth_date, facts.birth_date.year + rules.max_age + 1)
        return CriterionResult("age", FAIL, age, {**params, "on": turned.isoformat()})
    turns = birthday(facts.birth_date, facts.birth_date.year + rules.max_age + 1)
    return CriterionResult("age", PASS, age, {**params, "on": turns.isoformat()})


def _experience(facts: Facts, rules: Rules) -> CriterionResult:
    counted = facts.attested_experiences if rules.require_attested_experience else facts.experiences
    days = experience_days(counted, rules.reference_date)
    months, rest = months_and_days(days)
    params = {
        "days": days,
        "months": months,
        "rest_days": rest,
        "required_days": round(required_days(rules.min_experience_months)),
        "required_months": rules.min_experience_months,
        "reference_date": rules.reference_date.isoformat(),
    }
    if rules.require_attested_experience:
        params["attested_only"] = True
        params["declared_days"] = experience_days(facts.experiences, rules.reference_date)
    if not facts.experiences:
        return CriterionResult("experience", MISSING, 0, params)
    if days * 12 >= rules.min_experience_months * 365:
        return CriterionResult("experience", PASS, days, params)
    return CriterionResult("experience", FAIL, days, params)


def _nationality(facts: Facts, rules: Rules) -> CriterionResult:
    status = facts.nationality_status
    if not status:
        return CriterionResult("nationality", MISSING)
    outcome = PASS if status in set(rules.nationality_statuses) else FAIL
    return CriterionResult("nationality", outcome, status, {"status": status})


def _identity(facts: Facts, rules: Rules) -> CriterionResult:
    ref = rules.reference_date
    documents = [
        (kind, expiry) for kind, expiry in facts.identity_documents if kind in IDENTITY_KINDS
    ]
    if not documents:
        return CriterionResult("identity", MISSING)
    valid = [(kind, expiry) for kind, expiry in documents if expiry is None or expiry >= ref]
    if valid:
        kind, expiry = max(valid, key=lambda item: item[1] or date.max)
        return CriterionResult(
            "identity",
            PASS,
            kind,
            {"kind": kind, "expiry": expiry.isoformat() if expiry else None},
        )
    kind, expiry = max(documents, key=lambda item: item[1])
    return CriterionResult(
        "identity",
        FAIL,
        kind,
        {"kind": kind, "expiry": expiry.isoformat(), "reference_date": ref.isoformat()},
    )


def _documents(facts: Facts, rules: Rules) -> CriterionResult:
    missing = sorted(set(rules.required_documents) - set(facts.document_kinds))
    if missing:
        return CriterionResult("documents", MISSING, missing, {"missing": missing})
    return CriterionResult("documents", PASS, [], {"missing": []})


def _overlap(facts: Facts, rules: Rules) -> CriterionResult:
    for busy in facts.busy_periods:
        for mission in facts.mission_periods:
            if _overlaps(busy, mission):
                return CriterionResult(
                    "overlap",
                    FAIL,
                    True,
                    {
                        "busy_start": busy[0].isoformat(),
                        "busy_end": busy[1].isoformat() if busy[1] else None,
                    },
                )
    return CriterionResult("overlap", PASS, False)


def _warnings(facts: Facts) -> list[Warning]:
    warnings = []
    if facts.mission_periods:
        last_end = max(end for _start, end in facts.mission_periods)
        needed_until = add_months(last_end, PASSPORT_MARGIN_MONTHS)
        for kind, expiry in facts.identity_documents:
            if kind == DocumentKind.PASSPORT and expiry is not None and expiry < needed_until:
                warnings.append(
                    Warning(
                        "passport_expiry",
                        {"expiry": expiry.isoformat(), "needed_until": needed_until.isoformat()},
                    )
                )
                break
    if facts.unverified_experiences:
        warnings.append(Warning("unverified_experiences", {"count": facts.unverified_experiences}))
    return warnings


_CHECKS = {
    "age": _age,
    "experience": _experience,
    "nationality": _nationality,
    "identity": _identity,
    "documents": _documents,
    "overlap": _overlap,
}


def evaluate(facts: Facts, rules: Rules) -> Report:
    """The eligibility report of an application: one result per criterion, and warnings."""
    return Report(
        criteria={code: _CHECKS[code](facts, rules) for code in CRITERIA},
        warnings=_warnings(facts),
    )


def _ordinal(value: date | None) -> int:
    """A date as a number (its ordinal; -1 for none): cheap to sort and to write out."""
    return value.toordinal() if value is not None else -1


def _periods(periods: Iterable[tuple[date, date | None]]) -> list[tuple[int, int]]:
    return sorted((_ordinal(start), _ordinal(end)) for start, end in periods)


def fingerprint(facts: Facts, rules: Rules) -> str:
    """A digest of all that `evaluate` reads, and the engine version: same digest, same report.

    Order does not matter where the engine does not look at it; enum members count as their
    values. Built from the repr of a tuple of numbers and strings (dates as ordinals), which is
    stable from one process to the next and several times faster than JSON of `asdict`.
    """
    payload = (
        ENGINE_VERSION,
        _ordinal(facts.birth_date),
        str(facts.nationality_status) if facts.nationality_status else None,
        _periods(facts.experiences),
        _periods(facts.attested_experiences),
        sorted((str(kind), _ordinal(expiry)) for kind, expiry in facts.identity_documents),
        sorted(map(str, facts.document_kinds)),
        _periods(facts.busy_periods),
        _periods(facts.mission_periods),
        facts.unverified_experiences,
    )
    return hashlib.sha256((repr(payload) + _rules_text(rules)).encode()).hexdigest()


@lru_cache(maxsize=64)
def _rules_text(rules: Rules) -> str:
    """The rules' part of a fingerprint, written once per call's rules, not once per application."""
    return repr(
        (
            _ordinal(rules.reference_date),
            rules.min_age,
            rules.max_age,
            rules.min_experience_months,
            sorted(map(str, rules.nationality_statuses)),
            sorted(map(str, rules.required_documents)),
            rules.require_attested_experience,
        )
    )


# Messages, in the language active when they are read ---------------------------------------------


def _day(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "DATE_FORMAT")


def _told(name: str | None, to_volunteer: str, about_volunteer: str, **values: Any) -> str:
    """The sentence for its audience: `to_volunteer` when the volunteer reads it (`name` is None),
    `about_volunteer`, which names them, when staff or partners do; then the values filled in."""
    if name is None:
        return to_volunteer % values if values else to_volunteer
    return about_volunteer % {**values, "name": name}


def _age_message(outcome: str, p: dict[str, Any], name: str | None = None) -> str:
    if outcome == MISSING:
        return _told(
            name,
            gettext("Votre date de naissance n'est pas renseignée dans votre profil."),
            gettext("%(name)s n'a pas renseigné sa date de naissance."),
        )
    values = {
        "on": _day(p["on"]),
        "reference": _day(p["reference_date"]),
        "min_age": p["min_age"],
        "max_age": p["max_age"],
        "limit": p["max_age"] + 1,
    }
    if outcome == PASS:
        return _told(
            name,
            gettext(
                "Vous aurez %(limit)s ans le %(on)s, après la date de référence du %(reference)s."
            ),
            gettext(
                "%(name)s aura %(limit)s ans le %(on)s, après la date de référence du "
                "%(reference)s."
            ),
            **values,
        )
    if p["age"] < p["min_age"]:
        return _told(
            name,
            gettext(
                "Vous aurez %(min_age)s ans le %(on)s, après la date de référence du "
                "%(reference)s : il faut avoir au moins %(min_age)s ans."
            ),
            gettext(
                "%(name)s aura %(min_age)s ans le %(on)s, après la date de référence du "
                "%(reference)s : il faut avoir au moins %(min_age)s ans."
            ),
            **values,
        )
    return _told(
        name,
        gettext(
            "L'appel est ouvert jusqu'à %(max_age)s ans à sa date de référence (%(reference)s) ; "
            "vous avez eu %(limit)s ans le %(on)s. Un prochain appel peut vous convenir, ou le "
            "volontariat national."
        ),
        gettext(
            "L'appel est ouvert jusqu'à %(max_age)s ans à sa date de référence (%(reference)s) ; "
            "%(name)s a eu %(limit)s ans le %(on)s."
        ),
        **values,
    )


def _experience_message(outcome: str, p: dict[str, Any], name: str | None = None) -> str:
    if outcome == MISSING:
        return _told(
            name,
            gettext("Vous n'avez déclaré aucune expérience de volontariat."),
            gettext("%(name)s n'a déclaré aucune expérience de volontariat."),
        )
    values = {
        "found": duration_text(p["days"]),
        # What the engine compares (days x 12 ≥ months x 365), up to the whole day: the stored
        # figure is rounded, and would read one day (or one month) short.
        "required": duration_text(math.ceil(required_days(p["required_months"]))),
        "reference": _day(p["reference_date"]),
    }
    if outcome == PASS:
        return _told(
            name,
            gettext(
                "Vos expériences couvrent %(found)s au %(reference)s ; il en faut %(required)s."
            ),
            gettext(
                "Les expériences déclarées par %(name)s couvrent %(found)s au %(reference)s ; "
                "il en faut %(required)s."
            ),
            **values,
        )
    if p.get("attested_only"):
        return _told(
            name,
            gettext(
                "Cet appel ne compte que l'expérience attestée par les structures d'accueil : "
                "%(found)s au %(reference)s, moins que les %(required)s demandés. Demandez "
                "l'attestation de vos expériences à vos référent·e·s."
            ),
            gettext(
                "Cet appel ne compte que l'expérience attestée par les structures d'accueil : "
                "%(found)s pour %(name)s au %(reference)s, moins que les %(required)s demandés."
            ),
            **values,
        )
    return _told(
        name,
        gettext(
            "Vos expériences couvrent %(found)s au %(reference)s, moins que les %(required)s "
            "demandés : ajoutez une expérience ou complétez ses dates."
        ),
        gettext(
            "Les expériences déclarées par %(name)s couvrent %(found)s au %(reference)s, moins "
            "que les %(required)s demandés."
        ),
        **values,
    )


def duration_text(days: int) -> str:
    """'2 ans et 1 mois (761 jours)': years and months as a person says them, counted as the
    engine counts (a month is 365 / 12 days), with the exact days the rule compares."""
    months, _rest = months_and_days(days)
    years, months = divmod(months, 12)
    total = ngettext("%(n)s jour", "%(n)s jours", days) % {"n": formats.number_format(days)}
    parts = []
    if years:
        parts.append(ngettext("%(n)s an", "%(n)s ans", years) % {"n": years})
    if months:
        parts.append(ngettext("%(n)s mois", "%(n)s mois", months) % {"n": months})
    if not parts:
        return total
    if len(parts) == 2:
        words = gettext("%(first)s et %(second)s") % {"first": parts[0], "second": parts[1]}
    else:
        words = parts[0]
    return gettext("%(duration)s (%(total)s)") % {"duration": words, "total": total}


def _nationality_message(outcome: str, p: dict[str, Any], name: str | None = None) -> str:
    if outcome == MISSING:
        return _told(
            name,
            gettext("Votre situation de nationalité n'est pas renseignée dans votre profil."),
            gettext("%(name)s n'a pas renseigné sa situation de nationalité."),
        )
    if outcome == PASS:
        return _told(
            name,
            gettext("Votre situation de nationalité est acceptée par cet appel."),
            gettext(
                "La situation de nationalité déclarée par %(name)s est acceptée pour cet appel."
            ),
        )
    return gettext(
        "Cet appel est réservé aux ressortissants togolais, résidents ou de la diaspora."
    )


def _identity_message(outcome: str, p: dict[str, Any], name: str | None = None) -> str:
    if outcome == MISSING:
        return _told(
            name,
            gettext("Déposez une carte d'identité ou un passeport."),
            gettext("%(name)s n'a déposé ni carte d'identité ni passeport."),
        )
    kind = (
        gettext("passeport") if p["kind"] == DocumentKind.PASSPORT else gettext("carte d'identité")
    )
    if outcome == PASS and p.get("expiry"):
        return _told(
            name,
            gettext("Votre %(kind)s est valable jusqu'au %(expiry)s."),
            gettext("La pièce déposée par %(name)s (%(kind)s) est valable jusqu'au %(expiry)s."),
            kind=kind,
            expiry=_day(p["expiry"]),
        )
    if outcome == PASS:
        return _told(
            name,
            gettext("Votre %(kind)s est enregistré(e)."),
            gettext("La pièce déposée par %(name)s (%(kind)s) est enregistrée."),
            kind=kind,
        )
    return _told(
        name,
        gettext(
            "Votre %(kind)s a expiré le %(expiry)s, avant la date de référence du %(reference)s : "
            "déposez un document en cours de validité."
        ),
        gettext(
            "La pièce déposée par %(name)s (%(kind)s) a expiré le %(expiry)s, avant la date de "
            "référence du %(reference)s."
        ),
        kind=kind,
        expiry=_day(p["expiry"]),
        reference=_day(p["reference_date"]),
    )


DOCUMENT_LABELS = {
    DocumentKind.ID_CARD: lambda: gettext("carte d'identité"),
    DocumentKind.PASSPORT: lambda: gettext("passeport"),
    DocumentKind.CV: lambda: gettext("CV"),
    DocumentKind.MOTIVATION_LETTER: lambda: gettext("lettre de motivation"),
    DocumentKind.EXPERIENCE_CERTIFICATE: lambda: gettext("attestation d'expérience"),
    "criminal_record": lambda: gettext("extrait de casier judiciaire"),
    "medical_certificate": lambda: gettext("certificat médical"),
    "other": lambda: gettext("autre document"),
}


def _documents_message(outcome: str, p: dict[str, Any], name: str | None = None) -> str:
    if outcome == PASS:
        return gettext("Tous les documents demandés sont déposés.")
    names = ", ".join(DOCUMENT_LABELS.get(kind, lambda k=kind: k)() for kind in p["missing"])
    return _told(
        name,
        gettext("Documents à déposer : %(names)s."),
        gettext("%(name)s doit encore déposer : %(names)s."),
        names=names,
    )


def _overlap_message(outcome: str, p: dict[str, Any], name: str | None = None) -> str:
    if outcome == PASS:
        return gettext("Aucune autre mission confirmée ne chevauche les missions choisies.")
    return _told(
        name,
        gettext(
            "Vous avez déjà une mission confirmée à partir du %(start)s qui chevauche les "
            "missions choisies."
        ),
        gettext(
            "%(name)s a déjà une mission confirmée à partir du %(start)s qui chevauche les "
            "missions choisies."
        ),
        start=_day(p["busy_start"]),
    )


_MESSAGES = {
    "age": _age_message,
    "experience": _experience_message,
    "nationality": _nationality_message,
    "identity": _identity_message,
    "documents": _documents_message,
    "overlap": _overlap_message,
}

_WARNING_MESSAGES = {
    "passport_expiry": lambda p: (
        gettext(
            "Le passeport expire le %(expiry)s, moins de six mois après la fin de la dernière "
            "mission choisie (il doit être valable jusqu'au %(needed)s)."
        )
        % {"expiry": _day(p["expiry"]), "needed": _day(p["needed_until"])}
    ),
    "unverified_experiences": lambda p: (
        ngettext(
            "%(count)s expérience n'est pas encore vérifiée par l'ANVT.",
            "%(count)s expériences ne sont pas encore vérifiées par l'ANVT.",
            p["count"],
        )
        % {"count": p["count"]}
    ),
}

CRITERION_LABELS = {
    "age": lambda: gettext("Âge"),
    "experience": lambda: gettext("Expérience de volontariat"),
    "nationality": lambda: gettext("Nationalité"),
    "identity": lambda: gettext("Pièce d'identité"),
    "documents": lambda: gettext("Dossier complet"),
    "overlap": lambda: gettext("Disponibilité"),
}
