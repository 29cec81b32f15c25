"""The hostile survey (``tests/hostile.py``) finds nothing: no escape, hang, wrong verdict, long message or trace."""

from __future__ import annotations

from hostile import WRONG, survey


def test_the_hostile_survey_finds_nothing() -> None:
    count = survey()
    assert count["inputs"] > 3000
    found = {kind: n for kind, n in count.items() if kind != "inputs" and n}
    assert not found, (found, WRONG)
