"""The public funnel (issue 21): small counts shown "< 5", and no combination of the published
totals giving one back; the page, its CSV and JSON for anyone, in French and English, whatever
the query string, without a person in them, with a constant number of queries, and kept in the
cache for anonymous visitors."""

import csv
import io
import itertools
import json
import random
import time
from datetime import timedelta
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from anvt import public_cache
from missions.models import EligibilityReport, Placement
from reciprocity.disclosure import THRESHOLD, protect, protect_together
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ContingentFactory,
    HostFactory,
    IncomingFactory,
    ProfileFactory,
    UserFactory,
)

STAGES = ["applied", "eligible", "selected", "departed", "completed"]


# The rule, on any table -------------------------------------------------------------------------


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    found, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column] != 0:
                factor = rows[r][column] / rows[found][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def revealed(equations: list[tuple[dict, int]], unknowns: list) -> list:
    """The unknowns that the equations (sum of some unknowns = a published number) pin down:
    those whose unit vector lies in the span of the equations' rows."""
    if not equations:
        return []
    index = {name: i for i, name in enumerate(unknowns)}
    matrix = [
        [Fraction(1 if name in terms else 0) for name in unknowns] for terms, _total in equations
    ]
    base = rank(matrix)
    found = []
    for name in unknowns:
        unit = [Fraction(0)] * len(unknowns)
        unit[index[name]] = Fraction(1)
        if rank([*matrix, unit]) == base:
            found.append(name)
    return found


def equations_of(tables: list[tuple[list[list], list]]) -> tuple[list, list]:
    """From published tables (rows of cells, total row), the linear equations a reader can
    write: in each column, the hidden cells add up to the total minus the shown cells."""
    equations, unknowns = [], []
    for number, (rows, total) in enumerate(tables):
        for column, published_total in enumerate(total):
            if not isinstance(published_total, int):
                continue
            hidden = [
                (number, row, column)
                for row, cells in enumerate(rows)
                if not isinstance(cells[column], int)
            ]
            shown = sum(cells[column] for cells in rows if isinstance(cells[column], int))
            unknowns.extend(hidden)
            if hidden:
                equations.append((set(hidden), published_total - shown))
    return equations, unknowns


nested_rows = st.lists(
    st.lists(st.integers(min_value=0, max_value=40), min_size=5, max_size=5).map(
        lambda row: sorted(row, reverse=True)  # each stage a subset of the one before
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(nested_rows)
def test_no_small_count_is_shown_and_none_can_be_worked_out(table):
    rows, totals, _exhausted = protect(table, 5)
    published = [[cell.published() for cell in row] for row in rows]
    total = [cell.published() for cell in totals]
    for row, cells in zip(table, published, strict=True):
        for value, shown in zip(row, cells, strict=True):
            if value < THRESHOLD:
                assert shown == "< 5"
            elif shown is not None:
                assert shown == value  # a count shown is the true count
    equations, unknowns = equations_of([(published, total)])
    assert revealed(equations, unknowns) == []


def possible_values(published, total) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden count can take, found by trying them all: a "< 5" is 0 to 4, a
    masked count at least 5, each column's hidden counts add up to its published total minus the
    counts shown, and each row's stages never grow. Independent of disclosure.py's reasoning."""
    width = len(total)
    per_column = []
    for column in range(width):
        hidden = [row for row, cells in enumerate(published) if not isinstance(cells[column], int)]
        if not isinstance(total[column], int):
            return {}  # a column without its total: nothing to subtract from (not searched)
        rest = total[column] - sum(
            cells[column] for cells in published if isinstance(cells[column], int)
        )
        ranges = [
            range(0, 5) if published[row][column] == "< 5" else range(5, rest + 1) for row in hidden
        ]
        per_column.append(
            [(hidden, combo) for combo in itertools.product(*ranges) if sum(combo) == rest]
        )
    seen: dict[tuple[int, int], set[int]] = {}
    for choice in itertools.product(*per_column):
        grid = [list(cells) for cells in published]
        for column, (hidden, combo) in enumerate(choice):
            for row, value in zip(hidden, combo, strict=True):
                grid[row][column] = value
        if all(row[i] >= row[i + 1] for row in grid for i in range(width - 1)):
            for column, (hidden, combo) in enumerate(choice):
                for row, value in zip(hidden, combo, strict=True):
                    seen.setdefault((row, column), set()).add(value)
    return seen


small_tables = st.lists(
    st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=2).map(
        lambda row: sorted(row, reverse=True)
    ),
    min_size=2,
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(small_tables)
def test_no_hidden_count_has_only_one_possible_value(table):
    rows, totals, _exhausted = protect(table, 2)
    published = [[cell.published() for cell in row] for row in rows]
    for (row, column), values in possible_values(
        published, [c.published() for c in totals]
    ).items():
        assert len(values) > 1, f"{table}: the count at {row},{column} can only be {values}"


def test_a_count_pinned_by_its_row_is_not_left_alone():
    # The reviewer's case: departed/completed per row. A 5 hidden beside a "< 5" in a row whose
    # stages say 5 would be 5, and the "< 5" the total minus the rest.
    rows, totals, _exhausted = protect([[5, 5], [6, 2], [20, 20]], 2)
    published = [[cell.published() for cell in row] for row in rows]
    for values in possible_values(published, [c.published() for c in totals]).values():
        assert len(values) > 1


def test_a_total_that_would_give_its_counts_away_is_withheld_everywhere():
    # 4 and 4 make 8: both would be known. The total goes, here and in the other table.
    (_first_rows, first_total), (second_rows, second_total) = protect_together(
        [[[4], [4]], [[2], [6]]], 1
    )
    assert first_total[0].published() is None and second_total[0].published() is None
    assert [row[0].published() for row in second_rows] == ["< 5", None]


def test_a_lone_small_count_takes_others_with_it_smallest_first():
    # 3 and 7 hidden together would leave a reader little room (the 7 is 6 to 10): the 12 too.
    rows, totals, _exhausted = protect([[30], [3], [12], [7]], 1)
    assert [row[0].published() for row in rows] == [30, "< 5", None, None]
    assert totals[0].published() == 52


def test_two_small_counts_adding_to_nothing_are_not_left_alone():
    # 0 and 0: the reader would know both. Others are hidden with them until the hidden sum
    # leaves room (the 9 alone would be 5 to 9: too little).
    rows, _totals, _exhausted = protect([[20], [0], [0], [9]], 1)
    assert [row[0].published() for row in rows] == [None, "< 5", "< 5", None]


# The public pages, on data --------------------------------------------------------------------


@pytest.fixture
def cohort(db):
    """72 applications to two calls that closed this year, spread so that many counts are
    small, and 9 volunteers received in Togo."""
    random.seed(21)
    closed = timezone.now() - timedelta(days=1)
    calls = [
        CallFactory(title=f"Appel {name}", opens_at=closed - timedelta(days=30), closes_at=closed)
        for name in ("Nord", "Sud")
    ]
    # Two contingents per call: those who left went with one of them.
    contingents = [
        ContingentFactory(call=call, name=f"{call.title} — {n}", capacity=40)
        for call in calls
        for n in (1, 2)
    ]
    regions = ["grand_lome", "maritime", "plateaux", "centrale", "kara", "savanes", ""]
    statuses = ["completed", "interrupted", "selected", "waitlisted", "rejected", "ineligible"]
    for n in range(72):
        user = UserFactory(email=f"personne{n}@example.org", name=f"Nomsecret{n}")
        ProfileFactory(
            user=user,
            first_name=f"Prénomsecret{n}",
            last_name=f"Nomsecret{n}",
            gender=random.choice(["female", "male", "female", "male", "undisclosed"]),
            region=random.choice(regions),
            nationality_status=random.choice(["togolese_resident"] * 5 + ["togolese_diaspora"]),
        )
        status = random.choice(statuses)
        application = ApplicationFactory(
            volunteer=user, call=calls[n % 2], status=status, submitted_at=closed
        )
        EligibilityReport.objects.create(
            application=application, eligible=status != "ineligible", data={},
            engine_version="1.1", fingerprint="x", reference_date=closed.date(), ran_at=closed,
        )  # fmt: skip
        if status in ("completed", "interrupted"):
            Placement.objects.create(
                contingent=contingents[(n % 2) * 2 + (n // 2) % 2],
                application=application,
                volunteer=user,
                mission=application.call.missions.get(),
                status=status,
            )
    host = HostFactory()
    for n, nationality in enumerate(["FR"] * 6 + ["BE", "BE", "CA"]):
        IncomingFactory(
            host_structure=host, nationality=nationality, status="arrived",
            last_name=f"Accueilsecret{n}", arrival_date=closed.date(),
        )  # fmt: skip
    return closed.year


def published_tables(data: dict) -> list[tuple[list, list]]:
    tables = [*data["applications"], *data["received_in_togo"]]
    return [([row["values"] for row in table["rows"]], table["total"]) for table in tables]


def test_the_published_figures_give_back_no_hidden_count(cohort):
    data = json.loads(Client().get(reverse("figures_json") + f"?annee={cohort}").content)
    tables = published_tables(data)
    assert any("< 5" in row for rows, _total in tables for row in rows)
    # Every table's total row says the same (they count the same people), and together the
    # tables give no hidden count by subtraction.
    assert len({json.dumps(table["total"]) for table in data["applications"]}) == 1
    assert (
        "(contingents : Appel Nord — 1, Appel Nord — 2)"
        in data["applications"][0]["rows"][0]["label"]
    )
    equations, unknowns = equations_of(tables)
    assert unknowns and revealed(equations, unknowns) == []
    for rows, _total in tables:
        for row in rows:
            for value in row:
                assert value is None or value == "< 5" or value >= THRESHOLD


@pytest.mark.parametrize("language", ["fr", "en"])
def test_anyone_reads_the_figures_without_a_person_in_them(cohort, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = client.get(reverse("figures") + f"?annee={cohort}")
    csv_text = client.get(reverse("figures_csv") + f"?annee={cohort}").content.decode("utf-8-sig")
    json_text = client.get(reverse("figures_json") + f"?annee={cohort}").content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    assert ("Le Volontariat International" if language == "fr" else "in figures") in html
    for text in (html, csv_text, json_text):
        assert "secret" not in text.lower() and "@example.org" not in text
    assert "CC BY 4.0" in csv_text and "CC BY 4.0" in json.loads(json_text)["licence"]
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0] == ["annee", "tableau", "ligne", "colonne", "effectif"]
    assert {row[4] for row in rows[1:] if len(row) == 5} >= {"< 5", ""}


@pytest.mark.parametrize(
    "query",
    [
        "", "?annee=", "?annee=abc", "?annee=1999", "?annee=99999999999999999999",
        "?annee=2026&annee=2025", "?annee=%00", "?x=<script>", "?annee[]=1", "?" + "a=1&" * 200,
    ],
)  # fmt: skip
def test_the_public_pages_answer_any_query_string(cohort, query):
    client = Client()
    for name in ("figures", "figures_csv", "figures_json"):
        assert client.get(reverse(name) + query).status_code == 200


def test_the_kept_downloads_keep_their_name_and_their_openness(cohort):
    for attempt in range(2):  # built, then from the cache
        response = Client().get(reverse("figures_csv") + f"?annee={cohort}")
        assert (
            response["Content-Disposition"] == f'attachment; filename="anvt-chiffres-{cohort}.csv"'
        )
        response = Client().get(reverse("figures_json") + f"?annee={cohort}")
        assert response["Access-Control-Allow-Origin"] == "*", attempt


def test_the_page_costs_the_same_queries_at_any_size_and_none_from_the_cache(
    cohort, django_assert_num_queries, django_assert_max_num_queries
):
    url = reverse("figures") + f"?annee={cohort}"
    with django_assert_max_num_queries(8) as first:
        Client().get(url)
    with django_assert_num_queries(0):  # the next anonymous visitor gets the kept page
        assert Client().get(url).status_code == 200
    closed = timezone.now() - timedelta(days=1)
    for _n in range(30):
        ApplicationFactory(
            call=CallFactory(opens_at=closed - timedelta(days=9), closes_at=closed),
            status="submitted", submitted_at=closed, volunteer=ProfileFactory(region="kara").user,
        )  # fmt: skip
    public_cache.invalidate()
    with django_assert_num_queries(len(first)):
        Client().get(url)


@pytest.mark.parametrize(
    "table",
    [
        [[9, 9, 5, 1, 0], [10, 9, 6, 5, 1], [9, 6, 5, 5, 5]],
        [[10, 10, 4, 1, 0], [11, 11, 10, 5, 0], [40, 9, 9, 5, 5], [9, 6, 4, 0, 0], [6, 5, 5, 5, 5]],
        [[11, 5, 5, 5, 0], [10, 5, 4, 4, 1], [9, 5, 5, 0, 0], [40, 40, 5, 0, 0], [10, 6, 5, 0, 0]],
    ],
)
def test_a_count_pinned_by_its_row_in_a_fully_hidden_column_does_not_loop_forever(table):
    """Found by a Hypothesis run: a column with every count and its total hidden stayed
    "exposed" by its rows, and the masking hid nothing more, for ever. It now hides elsewhere
    (or stops when nothing is shown), and still gives nothing away."""
    start = time.perf_counter()
    rows, totals, _exhausted = protect(table, 5)
    assert time.perf_counter() - start < 1
    published = [[cell.published() for cell in row] for row in rows]
    equations, unknowns = equations_of([(published, [cell.published() for cell in totals])])
    assert revealed(equations, unknowns) == []
