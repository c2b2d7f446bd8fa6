"""The eligibility engine around every boundary (PRODUCT section 4)."""

import itertools
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from missions.eligibility import (
    FAIL,
    MISSING,
    PASS,
    Facts,
    Rules,
    age_at,
    evaluate,
    experience_days,
    fingerprint,
    merge_periods,
    months_and_days,
)

REF = date(2026, 2, 28)
RULES = Rules(reference_date=REF)
GOOD = Facts(
    birth_date=date(2003, 5, 17),
    nationality_status="togolese_resident",
    experiences=[(date(2023, 1, 1), date(2025, 6, 30))],
    identity_documents=[("passport", date(2031, 1, 1))],
    document_kinds={"cv", "motivation_letter", "experience_certificate", "passport"},
    busy_periods=[],
    mission_periods=[(date(2026, 10, 1), date(2027, 6, 30))],
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def days_from(start: str, count: int):
    """A period of exactly `count` days, both ends counted, ending before the reference date."""
    begin = d(start)
    return (begin, begin + timedelta(days=count - 1))


CASES = [
    # --- age: 18 to 25 at the reference date (2026-02-28) ---
    (
        "age: turns 26 the day after the reference date",
        "age",
        {"birth_date": d("2000-03-01")},
        PASS,
    ),
    ("age: turns 26 on the reference date", "age", {"birth_date": d("2000-02-28")}, FAIL),
    ("age: turned 26 the day before", "age", {"birth_date": d("2000-02-27")}, FAIL),
    ("age: turns 18 on the reference date", "age", {"birth_date": d("2008-02-28")}, PASS),
    ("age: turns 18 the day after", "age", {"birth_date": d("2008-02-29")}, FAIL),
    ("age: turned 18 the day before", "age", {"birth_date": d("2008-02-27")}, PASS),
    (
        "age: 29 February, 26th birthday falls on 1 March",
        "age",
        {"birth_date": d("2000-02-29")},
        PASS,
    ),
    (
        "age: 29 February 2008 turns 18 on 1 March 2026",
        "age",
        {"birth_date": d("2008-02-29")},
        FAIL,
    ),
    ("age: well inside", "age", {"birth_date": d("2004-07-01")}, PASS),
    ("age: far too old", "age", {"birth_date": d("1990-01-01")}, FAIL),
    ("age: unknown birth date", "age", {"birth_date": None}, MISSING),
    # --- experience: 730 days for 24 months ---
    (
        "experience: exactly 730 days",
        "experience",
        {"experiences": [days_from("2023-01-01", 730)]},
        PASS,
    ),
    ("experience: 729 days", "experience", {"experiences": [days_from("2023-01-01", 729)]}, FAIL),
    ("experience: 731 days", "experience", {"experiences": [days_from("2023-01-01", 731)]}, PASS),
    ("experience: none declared", "experience", {"experiences": []}, MISSING),
    (
        "experience: two adjacent periods of 365 days",
        "experience",
        {"experiences": [days_from("2023-01-01", 365), days_from("2024-01-01", 365)]},
        PASS,
    ),
    (
        "experience: overlapping periods counted once",
        "experience",
        {"experiences": [days_from("2023-01-01", 400), days_from("2023-06-01", 300)]},
        FAIL,
    ),
    (
        "experience: nested period adds nothing",
        "experience",
        {"experiences": [days_from("2023-01-01", 729), days_from("2023-03-01", 30)]},
        FAIL,
    ),
    (
        "experience: disjoint periods add up",
        "experience",
        {"experiences": [days_from("2021-01-01", 400), days_from("2023-01-01", 330)]},
        PASS,
    ),
    (
        "experience: ongoing counted to the reference date (730 days)",
        "experience",
        {"experiences": [(REF - timedelta(days=729), None)]},
        PASS,
    ),
    (
        "experience: ongoing counted to the reference date (729 days)",
        "experience",
        {"experiences": [(REF - timedelta(days=728), None)]},
        FAIL,
    ),
    (
        "experience: nothing after the reference date counts",
        "experience",
        {"experiences": [(REF - timedelta(days=700), REF + timedelta(days=400))]},
        FAIL,
    ),
    (
        "experience: period wholly after the reference date",
        "experience",
        {"experiences": [(d("2026-03-01"), d("2029-01-01"))]},
        FAIL,
    ),
    (
        "experience: one-day periods count one day each",
        "experience",
        {"experiences": [(d("2023-01-01"), d("2023-01-01"))]},
        FAIL,
    ),
    # --- nationality ---
    ("nationality: resident", "nationality", {"nationality_status": "togolese_resident"}, PASS),
    ("nationality: diaspora", "nationality", {"nationality_status": "togolese_diaspora"}, PASS),
    ("nationality: foreign", "nationality", {"nationality_status": "foreign"}, FAIL),
    ("nationality: unknown", "nationality", {"nationality_status": None}, MISSING),
    # --- identity: unexpired at the reference date ---
    (
        "identity: passport expires on the reference date",
        "identity",
        {"identity_documents": [("passport", REF)]},
        PASS,
    ),
    (
        "identity: passport expired the day before",
        "identity",
        {"identity_documents": [("passport", REF - timedelta(days=1))]},
        FAIL,
    ),
    (
        "identity: id card with no expiry",
        "identity",
        {"identity_documents": [("id_card", None)]},
        PASS,
    ),
    ("identity: none", "identity", {"identity_documents": []}, MISSING),
    (
        "identity: an expired passport and a valid id card",
        "identity",
        {"identity_documents": [("passport", d("2020-01-01")), ("id_card", d("2027-01-01"))]},
        PASS,
    ),
    # --- documents ---
    (
        "documents: all three required",
        "documents",
        {"document_kinds": {"cv", "motivation_letter", "experience_certificate"}},
        PASS,
    ),
    (
        "documents: no certificate",
        "documents",
        {"document_kinds": {"cv", "motivation_letter"}},
        MISSING,
    ),
    ("documents: nothing", "documents", {"document_kinds": set()}, MISSING),
    # --- overlap with confirmed or departed placements ---
    ("overlap: none", "overlap", {"busy_periods": []}, PASS),
    (
        "overlap: busy period ends the day the mission starts",
        "overlap",
        {"busy_periods": [(d("2026-01-01"), d("2026-10-01"))]},
        FAIL,
    ),
    (
        "overlap: busy period ends the day before the mission",
        "overlap",
        {"busy_periods": [(d("2026-01-01"), d("2026-09-30"))]},
        PASS,
    ),
    (
        "overlap: busy period starts after the mission",
        "overlap",
        {"busy_periods": [(d("2027-07-01"), d("2027-12-31"))]},
        PASS,
    ),
    (
        "overlap: ongoing busy period",
        "overlap",
        {"busy_periods": [(d("2025-01-01"), None)]},
        FAIL,
    ),
]


@pytest.mark.parametrize(
    ("criterion", "changes", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_criterion_boundaries(criterion, changes, expected):
    report = evaluate(replace(GOOD, **changes), RULES)
    assert report.criteria[criterion].outcome == expected
    others = {code: r.outcome for code, r in report.criteria.items() if code != criterion}
    assert set(others.values()) == {PASS}
    assert report.eligible is (expected == PASS)


def test_at_least_forty_boundary_cases():
    assert len(CASES) >= 40


def test_good_facts_are_eligible_with_every_criterion():
    report = evaluate(GOOD, RULES)
    assert report.eligible
    assert list(report.criteria) == [
        "age",
        "experience",
        "nationality",
        "identity",
        "documents",
        "overlap",
    ]


def test_age_message_names_the_birthday_and_reference_date():
    facts = replace(GOOD, birth_date=date(2000, 3, 12))
    with translation.override("fr"):
        message = evaluate(facts, Rules(reference_date=REF)).criteria["age"].message
    assert (
        message
        == "Vous aurez 26 ans le 12 mars 2026, après la date de référence du 28 février 2026."
    )
    with translation.override("en"):
        assert evaluate(facts, RULES).criteria["age"].message == (
            "You will turn 26 on March 12, 2026, after the reference date of Feb. 28, 2026."
        )


def test_too_old_message_explains_the_limit():
    facts = replace(GOOD, birth_date=date(2000, 2, 28))
    with translation.override("fr"):
        message = evaluate(facts, RULES).criteria["age"].message
    assert "vous avez eu 26 ans le 28 février 2026" in message


def test_experience_message_counts_years_and_months_with_the_exact_days():
    facts = replace(GOOD, experiences=[days_from("2023-01-01", 699)])
    with translation.override("fr"):
        message = (
            evaluate(facts, Rules(reference_date=REF, min_experience_months=24))
            .criteria["experience"]
            .message
        )
    assert "1 an et 10 mois (699 jours)" in message
    assert "2 ans (730 jours)" in message


def test_missing_documents_are_named():
    with translation.override("fr"):  # the message is read in the language active when read
        result = evaluate(replace(GOOD, document_kinds={"cv"}), RULES).criteria["documents"]
        assert result.value == ["experience_certificate", "motivation_letter"]
        assert result.message == (
            "Documents à déposer : attestation d'expérience, lettre de motivation."
        )


def test_rules_of_a_call_change_the_thresholds():
    rules = Rules(
        reference_date=REF,
        min_age=21,
        max_age=30,
        min_experience_months=12,
        nationality_statuses={"foreign"},
        required_documents={"cv"},
    )
    facts = replace(
        GOOD,
        birth_date=date(1997, 1, 1),
        nationality_status="foreign",
        experiences=[days_from("2024-01-01", 365)],
        document_kinds={"cv"},
    )
    assert evaluate(facts, rules).eligible


def test_passport_expiring_within_six_months_of_the_last_mission_warns():
    facts = replace(GOOD, identity_documents=[("passport", date(2027, 12, 29))])
    report = evaluate(facts, RULES)
    assert report.eligible
    assert [w.code for w in report.warnings] == ["passport_expiry"]
    assert (
        evaluate(
            replace(GOOD, identity_documents=[("passport", date(2027, 12, 31))]), RULES
        ).warnings
        == []
    )


def test_unverified_experiences_warn_without_blocking():
    report = evaluate(replace(GOOD, unverified_experiences=2), RULES)
    assert report.eligible
    with translation.override("fr"):
        assert (
            report.warnings[0].message == "2 expériences ne sont pas encore vérifiées par l'ANVT."
        )


def test_report_round_trips_through_json():
    report = evaluate(replace(GOOD, birth_date=None), RULES)
    again = type(report).from_dict(report.as_dict())
    assert again == report
    assert not again.eligible


def test_fingerprint_ignores_order_and_sees_changes():
    a = replace(GOOD, experiences=[(d("2020-01-01"), d("2021-01-01")), (d("2022-01-01"), None)])
    b = replace(GOOD, experiences=[(d("2022-01-01"), None), (d("2020-01-01"), d("2021-01-01"))])
    assert fingerprint(a, RULES) == fingerprint(b, RULES)
    assert fingerprint(a, RULES) != fingerprint(replace(a, birth_date=date(2003, 5, 18)), RULES)
    assert fingerprint(a, RULES) != fingerprint(a, replace(RULES, min_age=19))


def test_age_and_month_helpers():
    assert age_at(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_at(date(2000, 2, 29), date(2025, 3, 1)) == 25
    assert age_at(date(2000, 2, 29), date(2024, 2, 29)) == 24
    assert months_and_days(730) == (24, 0)
    assert months_and_days(729) == (23, 30)


# --- properties of the period union ---

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def periods(draw):
    start = draw(days)
    ongoing = draw(st.booleans())
    end = None if ongoing else draw(st.dates(min_value=start, max_value=date(2028, 12, 31)))
    return (start, end)


@given(st.lists(periods(), max_size=8), st.randoms())
def test_union_does_not_depend_on_order(items, random):
    shuffled = list(items)
    random.shuffle(shuffled)
    assert experience_days(items, REF) == experience_days(shuffled, REF)


@given(st.lists(periods(), min_size=1, max_size=8), st.data())
def test_adding_a_sub_period_changes_nothing(items, data):
    merged = merge_periods(items, REF)
    if not merged:
        return
    start, end = data.draw(st.sampled_from(merged))
    sub_start = data.draw(st.dates(min_value=start, max_value=end))
    sub_end = data.draw(st.dates(min_value=sub_start, max_value=end))
    assert experience_days([*items, (sub_start, sub_end)], REF) == experience_days(items, REF)


@given(st.lists(periods(), min_size=1, max_size=8))
def test_total_never_exceeds_the_span(items):
    total = experience_days(items, REF)
    starts = [start for start, _end in items if start <= REF]
    if not starts:
        assert total == 0
        return
    span_end = min(max(end or REF for _start, end in items), REF)
    assert 0 <= total <= (span_end - min(starts)).days + 1


@given(st.lists(periods(), max_size=8))
def test_merged_periods_are_disjoint_and_sorted(items):
    merged = merge_periods(items, REF)
    for (_s1, e1), (s2, _e2) in itertools.pairwise(merged):
        assert s2 > e1 + timedelta(days=1)
    assert all(end <= REF for _start, end in merged)
