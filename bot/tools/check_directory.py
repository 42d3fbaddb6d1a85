"""Lists what in the service directory is due for checking: every record last checked
more than 180 days ago (or --max-age-days), and every fact no source has confirmed, each
with its sources, so someone can open them and check again (see data/directory/checks.md).

A report, not a gate: it exits 0 whenever it could read the directory, however much is due.
It exits 1 only if the directory does not load (run `make validate` for the details) and
2 for bad arguments.

Usage: python -m bot.tools.check_directory [--as-of YYYY-MM-DD] [--max-age-days N] [DIRECTORY]
       (default: today, 180 days, $DIRECTORY_DIR or data/directory)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import List, Optional, TextIO

from bot.directory import DirectoryError, load_directory
from bot.directory.freshness import DEFAULT_MAX_AGE_DAYS, FreshnessReport, check_freshness


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _days(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check_directory",
        description="List directory records due for checking and facts not yet confirmed "
                    "(a report: exits 0).")
    parser.add_argument("directory", nargs="?", type=Path, default=None)
    parser.add_argument("--as-of", type=_day, default=None,
                        help="the day to report for (default: today)")
    parser.add_argument("--max-age-days", type=_days, default=DEFAULT_MAX_AGE_DAYS,
                        help=f"a record older than this is due (default {DEFAULT_MAX_AGE_DAYS})")
    return parser


def print_report(report: FreshnessReport, out: TextIO) -> None:
    """Both lists, readably: one block per record, its sources indented beneath."""
    print(f"Service directory as of {report.as_of.isoformat()}", file=out)
    print(f"\nDue for checking (last checked more than {report.max_age_days} days ago): "
          f"{len(report.stale)}", file=out)
    for item in report.stale:
        ref = item.record
        print(f"\n  {ref.kind} {ref.id}: {ref.name}", file=out)
        print(f"    last checked {ref.verified} ({item.age_days} days ago)", file=out)
        for source in ref.sources:
            print(f"    source: {source}", file=out)
    print(f"\nNot yet confirmed by a primary source: {len(report.unverified)}", file=out)
    for fact in report.unverified:
        ref = fact.record
        print(f"\n  {ref.kind} {ref.id}: {fact.fact} ({ref.name})", file=out)
        print(f"    last checked {ref.verified}", file=out)
        for source in ref.sources:
            print(f"    source: {source}", file=out)
    if not report.stale and not report.unverified:
        print("\nNothing is due.", file=out)


def main(argv: Optional[List[str]] = None, out: Optional[TextIO] = None) -> int:
    """Prints what is due for checking; returns 0, 1 if the directory does not load, or 2
    for bad arguments."""
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse has printed the problem
        return 0 if exc.code == 0 else 2
    try:
        directory = load_directory(args.directory)
    except DirectoryError as exc:
        print(f"service directory: {len(exc.problems)} problem(s); run make validate",
              file=sys.stderr)
        return 1
    report = check_freshness(directory, args.as_of or dt.date.today(), args.max_age_days)
    print_report(report, out or sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
