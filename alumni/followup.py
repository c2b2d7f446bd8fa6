"""Following volunteers after their return: a questionnaire 3, 6 and 12 months after the mission
ended, sent by the daily job with a signed link answered on a phone without signing in, and the
figures staff read (response rates per contingent, answers counted per option)."""

import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alumni.enums import QuestionKind
from alumni.models import Answer, FollowUp, Question, Questionnaire
from anvt.errors import Refused
from missions import rules
from missions.enums import PlacementStatus
from missions.models import Contingent, Placement
from notifications.services import Message, queue

SALT = "anvt.alumni.followup"
RETURNED = (PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED)
# A volunteer back longer ago than this gets no questionnaire from a newly written one.
OLDEST_RETURN_MONTHS = 18


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]  # fmt: skip
    return date(year, month, min(day.day, last))


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def token_of(follow_up: FollowUp) -> str:
    return _signer().sign_object([follow_up.pk, follow_up.secret], compress=True)


def link_path(follow_up: FollowUp) -> str:
    return reverse("follow_up", args=[token_of(follow_up)])


def follow_up_for(token: str) -> FollowUp | None:
    """The follow-up this link names, or None for a link that is not one of ours (404)."""
    try:
        pk, secret = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(secret, str) or not secret:
        return None
    found = (
        FollowUp.objects.select_related("questionnaire", "placement__volunteer")
        .filter(pk=pk)
        .first()
    )
    if found is None or not secrets.compare_digest(secret, found.secret):
        return None
    return found


def send_due(today: date | None = None) -> int:
    """Daily: each returned volunteer whose 3rd, 6th or 12th month back has come gets that
    questionnaire once (e-mail and in-app; SMS for those who chose it)."""
    today = today or timezone.localdate()
    questionnaires = list(Questionnaire.objects.filter(active=True).prefetch_related("questions"))
    if not questionnaires:
        return 0
    placements = list(
        Placement.objects.filter(
            status__in=RETURNED,
            return_date__isnull=False,
            return_date__gte=add_months(today, -OLDEST_RETURN_MONTHS),
            volunteer__is_active=True,  # an erased account is asked nothing
        ).select_related("volunteer")
    )
    sent = set(
        FollowUp.objects.filter(placement__in=placements).values_list(
            "placement_id", "questionnaire_id"
        )
    )
    created = 0
    asked = [q for q in questionnaires if q.questions.all()]
    with transaction.atomic():
        for placement in placements:
            # Only the latest one due: someone back 13 months is asked about 12 months, not
            # about 3 and 6 as well (their answers would count for the wrong moment).
            due = [q for q in asked if add_months(placement.return_date, q.months_after) <= today]
            if not due:
                continue
            questionnaire = max(due, key=lambda q: q.months_after)
            later = {q.pk for q in asked if q.months_after >= questionnaire.months_after}
            if any((placement.pk, pk) in sent for pk in later):
                continue
            follow_up = FollowUp.objects.create(
                placement=placement,
                questionnaire=questionnaire,
                secret=secrets.token_urlsafe(32),
                sent_at=timezone.now(),
            )
            queue(
                [
                    Message(
                        user=placement.volunteer,
                        event="follow_up",
                        context={"questionnaire": questionnaire, "placement": placement},
                        link=link_path(follow_up),
                        dedupe_key=f"follow-up:{follow_up.pk}",
                    )
                ]
            )
            created += 1
    return created


def check(follow_up: FollowUp) -> None:
    if follow_up.answered_at is not None:
        raise Refused(_("Vos réponses sont déjà enregistrées. Merci !"))


def answer(follow_up: FollowUp, values: dict[int, str]) -> None:
    """Her answers, all at once: one per question (a choice among its options, a mark from 1 to
    5, or free text); refused, nothing saved, when one is missing or not among the options."""
    questions = list(follow_up.questionnaire.questions.all())
    clean = {}
    for question in questions:
        value = (values.get(question.pk) or "").strip()
        if not value and question.kind != QuestionKind.TEXT:
            raise Refused(_("Répondez à « %(question)s ».") % {"question": question.text})
        if question.kind == QuestionKind.CHOICE and value not in question.choices:
            raise Refused(
                _("Choisissez une réponse proposée à « %(question)s ».")
                % {"question": question.text}
            )
        if question.kind == QuestionKind.SCALE and value not in {"1", "2", "3", "4", "5"}:
            raise Refused(
                _("Donnez une note de 1 à 5 à « %(question)s ».") % {"question": question.text}
            )
        clean[question.pk] = value[:2000]
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        check(locked)
        Answer.objects.bulk_create(
            Answer(follow_up=locked, question_id=pk, value=value) for pk, value in clean.items()
        )
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answered_at"])
    follow_up.answered_at = locked.answered_at


# Staff: the questions and the figures ----------------------------------------------------------


def save_questions(questionnaire: Questionnaire, *, actor, rows: list[dict], **values) -> None:
    """Replace the questionnaire's questions (text, kind, choices) while none is answered."""
    if not rules.is_programme_manager(actor):
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))
    for row in rows:
        if row["kind"] == QuestionKind.CHOICE and len(row["choices"]) < 2:
            raise Refused(
                _("« %(question)s » : proposez au moins deux choix, un par ligne.")
                % {"question": row["text"]}
            )
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        answered = Answer.objects.filter(question__questionnaire=locked).exists()
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        if answered:
            if rows != _rows(locked):
                raise Refused(
                    _(
                        "Des volontaires ont déjà répondu : les questions ne changent plus "
                        "(l'intitulé et l'envoi, si)."
                    )
                )
            return
        locked.questions.all().delete()
        Question.objects.bulk_create(
            Question(
                questionnaire=locked,
                position=position,
                text=row["text"],
                kind=row["kind"],
                choices=row["choices"] if row["kind"] == QuestionKind.CHOICE else [],
            )
            for position, row in enumerate(rows)
        )


def _rows(questionnaire: Questionnaire) -> list[dict]:
    return [
        {"text": q.text, "kind": q.kind, "choices": q.choices}
        for q in questionnaire.questions.all()
    ]


@dataclass
class Rate:
    contingent: Contingent
    by_questionnaire: list[tuple[int, int, int]]  # (sent, answered, percent) per questionnaire


def response_rates(questionnaires) -> list[Rate]:
    """Per contingent, questionnaires sent and answered: one grouped query."""
    rows = (
        FollowUp.objects.values("placement__contingent_id", "questionnaire_id")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    figures = {(r["placement__contingent_id"], r["questionnaire_id"]): r for r in rows}
    contingents = Contingent.objects.filter(
        pk__in={contingent for contingent, _q in figures}
    ).order_by("-created_at")
    out = []
    for contingent in contingents:
        cells = []
        for questionnaire in questionnaires:
            row = figures.get((contingent.pk, questionnaire.pk))
            sent, answered = (row["sent"], row["answered"]) if row else (0, 0)
            cells.append((sent, answered, round(100 * answered / sent) if sent else 0))
        out.append(Rate(contingent=contingent, by_questionnaire=cells))
    return out


@dataclass
class Tally:
    question: Question
    counts: list[tuple[str, int, int]] = field(default_factory=list)  # (option, n, % of answers)
    texts: list[str] = field(default_factory=list)
    mean: float | None = None
    answers: int = 0


def tallies(questionnaire: Questionnaire, contingent: Contingent | None = None) -> list[Tally]:
    """The answers to each question, counted per option (choices, marks), or listed (free text,
    without names): two queries."""
    questions = list(questionnaire.questions.all())
    answers = Answer.objects.filter(question__questionnaire=questionnaire)
    if contingent is not None:
        answers = answers.filter(follow_up__placement__contingent=contingent)
    by_question = defaultdict(list)
    for question_id, value in answers.values_list("question_id", "value").order_by("pk"):
        by_question[question_id].append(value)
    out = []
    for question in questions:
        values = by_question.get(question.pk, [])
        tally = Tally(question=question, answers=len(values))
        if question.kind == QuestionKind.TEXT:
            tally.texts = [v for v in values if v]
        else:
            options = (
                question.choices
                if question.kind == QuestionKind.CHOICE
                else ["1", "2", "3", "4", "5"]
            )
            counted = Counter(values)
            tally.counts = [
                (
                    option,
                    counted[option],
                    round(100 * counted[option] / len(values)) if values else 0,
                )
                for option in options
            ]
            if question.kind == QuestionKind.SCALE and values:
                tally.mean = round(sum(int(v) for v in values) / len(values), 1)
        out.append(tally)
    return out
