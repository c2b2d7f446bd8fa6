"""The procès-verbal typeset as a PDF by Typst (the `typst` package: its compiler and fonts are in
the wheel, so no system library is needed and the same data always gives the same bytes)."""

import json
from pathlib import Path

import typst

TEMPLATE = Path(__file__).with_name("minutes.typ")


def render(data: dict) -> bytes:
    return typst.compile(
        TEMPLATE.read_bytes(),
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
    )
