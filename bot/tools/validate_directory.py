"""Checks the service directory against its schema and prints what it holds.

Loads every file in the directory with `bot.directory.load_directory` (the same code the
actions use), so a file that passes here is one the assistant can serve. On a fault it
prints every problem and exits 1, for `make validate` and CI.

Usage: python -m bot.tools.validate_directory [DIRECTORY]
       (default: $DIRECTORY_DIR, else data/directory)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

from bot.directory import DirectoryError, load_directory


def main(argv: Optional[List[str]] = None) -> int:
    """Loads the directory; prints every problem and returns 1, or a summary and returns 0."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else None
    try:
        directory = load_directory(root)
    except DirectoryError as exc:
        print(f"service directory: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    unverified = sum(
        len(record.provenance.unverified)
        for group in (directory.services, directory.platforms, directory.jurisdictions,
                      directory.laws, directory.evidence)
        for record in group
    )
    print(
        f"service directory OK: {len(directory.services)} services, "
        f"{len(directory.platforms)} platforms, {len(directory.jurisdictions)} jurisdictions, "
        f"{len(directory.laws)} laws, {len(directory.evidence)} evidence steps "
        f"({unverified} facts marked unverified)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
