"""Shared fixtures: the project's samples, and ../shared when it is there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rules.engine import RuleSet
from rules.loader import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "000_5be251fb1d6ea1d0.txt"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips (or fails under REQUIRE_SHARED=1) where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not here: the shared corpus sits beside the project in development checkouts"
        if os.environ.get("REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return RuleSet(load_rules())


@pytest.fixture
def corpus() -> Path:
    return shared_path("corpus", "filings")
