import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("domain", ["django"])
def test_english_catalogue_is_complete(domain):
    result = subprocess.run(
        [
            "msgfmt",
            "--check",
            "--statistics",
            "-o",
            "/dev/null",
            LOCALE / "en/LC_MESSAGES" / f"{domain}.po",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_french_catalogue_compiles():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", LOCALE / "fr/LC_MESSAGES/django.po"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
