"""The scoring grid of a call: its criteria, their weights, and the one way a set of marks
becomes a score out of 20. Pure: the reviews (`missions.services.submit_review`) and the
selection committee (`selection.services`) both call it, so that a mark means the same in both.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anvt.errors import Refused

OUT_OF = 20  # every weighted score is shown out of 20, whatever the grid
MAX_WEIGHT = 10
MAX_MARK = 20


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    description: str
    weight: int
    max_score: int


# The grid of every call until its managers change it: the four criteria reviewers have always
# marked from 0 to 5, with equal weights (so that a total of marks is the score out of 20).
DEFAULT_GRID = (
    (
        "motivation",
        gettext_lazy("Motivation"),
        gettext_lazy("Le projet de la ou du volontaire, ce qu'elle ou il attend de la mission."),
    ),
    (
        "experience",
        gettext_lazy("Expérience"),
        gettext_lazy("Les engagements volontaires passés, leur durée et ce qu'ils ont appris."),
    ),
    (
        "skills",
        gettext_lazy("Compétences"),
        gettext_lazy("Ce que la mission demande et que la personne sait déjà faire."),
    ),
    (
        "languages",
        gettext_lazy("Langues"),
        gettext_lazy("Les langues de la mission et du pays d'accueil."),
    ),
)
DEFAULT_KEYS = tuple(key for key, _name, _description in DEFAULT_GRID)


def default_grid() -> tuple[Criterion, ...]:
    return tuple(
        Criterion(key=key, name=str(name), description=str(description), weight=1, max_score=5)
        for key, name, description in DEFAULT_GRID
    )


def check(grid: tuple[Criterion, ...], marks: dict[str, int]) -> dict[str, int]:
    """The marks as stored, or Refused naming what is wrong: one mark per criterion of the grid,
    each from 0 to the criterion's maximum, and nothing else."""
    keys = {criterion.key for criterion in grid}
    if set(marks) - keys:
        raise Refused(
            _("Ces notes ne correspondent pas à la grille de l'appel : rechargez la page.")
        )
    clean = {}
    for criterion in grid:
        mark = marks.get(criterion.key)
        if mark is None or mark == "":
            raise Refused(
                _("Notez chaque critère de la grille : « %(name)s » manque.")
                % {"name": criterion.name}
            )
        try:
            mark = int(mark)
        except (TypeError, ValueError):
            mark = -1
        if not 0 <= mark <= criterion.max_score:
            raise Refused(
                _("La note de « %(name)s » va de 0 à %(max)s.")
                % {"name": criterion.name, "max": criterion.max_score}
            )
        clean[criterion.key] = mark
    return clean


def weighted(grid: tuple[Criterion, ...], marks: dict[str, int]) -> Decimal:
    """The score out of 20: each mark over its maximum, weighted, summed. With the default grid
    it is the sum of the four marks."""
    possible = sum(criterion.weight * criterion.max_score for criterion in grid)
    if not possible:
        return Decimal(0)
    earned = sum(criterion.weight * marks.get(criterion.key, 0) for criterion in grid)
    return (Decimal(earned) * OUT_OF / possible).quantize(Decimal("0.01"), ROUND_HALF_UP)


def mean(scores) -> Decimal | None:
    scores = [score for score in scores if score is not None]
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)
