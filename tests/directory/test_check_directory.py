"""`make check-directory`: both lists, readably, and exit 0 (a report, not a gate)."""

from __future__ import annotations

import copy
import io

from bot.tools import check_directory
from tests.directory.test_records import minimal, write


def run(argv):
    out = io.StringIO()
    return check_directory.main(argv, out=out), out.getvalue()


def test_lists_what_is_due_and_what_is_unconfirmed_with_sources(tmp_path):
    docs = copy.deepcopy(minimal())
    docs["services"][0].update(verified="2025-01-01", unverified=["phone"])
    code, out = run(["--as-of", "2026-12-04", str(write(tmp_path, docs))])
    assert code == 0
    assert "Due for checking (last checked more than 180 days ago): 1" in out
    assert "service helpline: Helpline\n    last checked 2025-01-01 (702 days ago)" in out
    assert "    source: https://example.org/page" in out
    assert "Not yet confirmed by a primary source: 2" in out
    assert "service helpline: phone (Helpline)" in out
    assert "law a_law: in_force (A law)" in out


def test_a_long_list_still_exits_0(tmp_path):
    docs = copy.deepcopy(minimal())
    code, out = run(["--as-of", "2030-01-01", "--max-age-days", "1", str(write(tmp_path, docs))])
    assert code == 0 and "Due for checking" in out


def test_nothing_due(tmp_path):
    docs = copy.deepcopy(minimal())
    docs["laws"][0]["in_force"] = "2024-01-31"
    code, out = run(["--as-of", "2026-12-04", str(write(tmp_path, docs))])
    assert code == 0 and "Nothing is due." in out


def test_the_real_directory(capsys):
    assert check_directory.main(["--as-of", "2026-12-04"]) == 0
    out = capsys.readouterr().out
    assert "Due for checking (last checked more than 180 days ago): 0" in out
    assert "law ew_s66e_creating: in_force" in out


def test_an_unreadable_directory_exits_1(tmp_path, capsys):
    docs = copy.deepcopy(minimal())
    docs["services"][0]["contact"]["phone"] = "call us"
    assert check_directory.main([str(write(tmp_path, docs))]) == 1
    assert "run make validate" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys):
    assert check_directory.main(["--as-of", "4 December"]) == 2
    assert check_directory.main(["--max-age-days", "-5"]) == 2
