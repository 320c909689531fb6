"""Score `filing-monitor scan --json` output against labels in the corpus conventions.

    python eval/score.py eval/expected.jsonl out.jsonl [--batch N] [--quiet]

Events are scored on (file, event type) pairs: precision, recall, F1. Fields are scored on the
labelled events' fields: recall is the share of labelled values that a reported event of the same
type in the same file states; precision is the share of reported values, for the fields the labels
list for that type, that match a labelled value. Numbers match within 0.5%; names when one holds
the other, ignoring case and punctuation. Every miss is printed, then one closing line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOLERANCE = 0.005


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def agrees(label: Any, found: Any) -> bool:
    """Whether a reported value states the labelled one."""
    if isinstance(label, bool) or isinstance(found, bool):
        return bool(label == found)
    if isinstance(label, int | float) and isinstance(found, int | float):
        return abs(label - found) <= TOLERANCE * max(abs(label), 1e-9)
    if isinstance(label, str) and isinstance(found, str):
        a, b = _name(label), _name(found)
        return bool(a and b) and (a in b or b in a)
    if isinstance(label, list):
        reported = found if isinstance(found, list) else [found]
        return all(any(agrees(one, other) for other in reported) for one in label)
    return False


def read_lines(path: Path) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"{path}:{number}: not JSON: {error}") from None
        rows[Path(str(row.get("file") or row.get("source") or "")).name] = row
    return rows


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    fields_expected: int = 0
    fields_found: int = 0
    fields_reported: int = 0
    fields_right: int = 0

    @property
    def f1(self) -> float:
        precision = _ratio(self.true_positive, self.true_positive + self.false_positive)
        recall = _ratio(self.true_positive, self.true_positive + self.false_negative)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def field_recall(self) -> float:
        return _ratio(self.fields_found, self.fields_expected)

    @property
    def field_precision(self) -> float:
        return _ratio(self.fields_right, self.fields_reported)

    def line(self, files: int) -> str:
        precision = _ratio(self.true_positive, self.true_positive + self.false_positive)
        recall = _ratio(self.true_positive, self.true_positive + self.false_negative)
        return (
            f"files={files} precision={precision:.3f} recall={recall:.3f} f1={self.f1:.3f} "
            f"field_recall={self.field_recall:.3f} ({self.fields_found}/{self.fields_expected}) "
            f"field_precision={self.field_precision:.3f} ({self.fields_right}/{self.fields_reported})"
        )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def score_file(name: str, labels: list[dict[str, Any]], reported: list[dict[str, Any]], tally: Tally) -> list[str]:
    misses: list[str] = []
    wanted = {e["type"] for e in labels}
    got = {e["type"] for e in reported}
    for kind in sorted(wanted | got):
        if kind in wanted and kind in got:
            tally.true_positive += 1
        elif kind in wanted:
            tally.false_negative += 1
            misses.append(f"{name}: missed {kind}")
        else:
            tally.false_positive += 1
            misses.append(f"{name}: reported {kind}, not labelled")
    for event in labels:
        same_type = [r for r in reported if r["type"] == event["type"]]
        for field, value in event.get("fields", {}).items():
            tally.fields_expected += 1
            values = [r.get("fields", {}).get(field) for r in same_type]
            if any(agrees(value, v) for v in values if v is not None):
                tally.fields_found += 1
            else:
                misses.append(f"{name}: {event['type']}.{field} expected {value!r}, got {values}")
    labelled_fields = {(e["type"], f) for e in labels for f in e.get("fields", {})}
    for event in reported:
        for field, value in event.get("fields", {}).items():
            if (event["type"], field) not in labelled_fields:
                continue
            tally.fields_reported += 1
            options = [e["fields"][field] for e in labels if e["type"] == event["type"] and field in e["fields"]]
            if any(agrees(option, value) for option in options):
                tally.fields_right += 1
            else:
                misses.append(f"{name}: {event['type']}.{field} reported {value!r}, labelled {options}")
    return misses


def score(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> tuple[Tally, list[str]]:
    tally, misses = Tally(), []
    for name, row in expected.items():
        reported = actual.get(name, {}).get("events") or []
        misses += score_file(name, row.get("events", []), reported, tally)
    return tally, misses


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("expected", type=Path)
    parser.add_argument("actual", type=Path)
    parser.add_argument("--batch", type=int, help="score only the items of this batch")
    parser.add_argument("--quiet", action="store_true", help="only the closing line")
    args = parser.parse_args(list(argv) if argv is not None else None)
    expected = read_lines(args.expected)
    if args.batch is not None:
        expected = {name: row for name, row in expected.items() if row.get("batch") == args.batch}
    tally, misses = score(expected, read_lines(args.actual))
    if not args.quiet:
        for miss in misses:
            print(miss)
    print(tally.line(len(expected)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
