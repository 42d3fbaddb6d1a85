"""The layout of the services explains itself, and stays that way.

- bot/backend/ is grouped by what each part serves; only the app's wiring is at its top.
- No two modules share a name in different roles, and none is named after a sibling
  package (a `backend.py` in the gateway read like the backend itself).
- Each process has one client of Rasa's HTTP API, and only the tracker store's own code
  deletes Rasa's events.
- Every public function and class says what it is for.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("bot/backend", "bot/telegram", "bot/bench")
# Every package of the project, for names and docstrings.
EVERYTHING = ("bot", "actions")
BACKEND_GROUPS = {"api", "staff", "chat", "storage", "ops", "web"}
BACKEND_TOP = {"__init__.py", "__main__.py", "main.py", "settings.py", "keys.py",
               "resources.py"}
# One name, one role: each process's entry points, routes, views, settings, Rasa client.
SAME_ROLE = {"__init__", "__main__", "main", "routes", "views", "settings", "rasa_client"}
RASA_CLIENTS = {"bot/backend/chat/rasa_client.py", "bot/telegram/rasa_client.py"}
# The REST webhook, and the tracker endpoints (/conversations/{id}/tracker…) as URLs are built.
RASA_API = ("webhooks/rest", "}/tracker")


def modules(*roots: str) -> list[Path]:
    return sorted(p for root in roots for p in (ROOT / root).rglob("*.py")
                  if "migrations" not in p.parts)


def test_the_backend_is_grouped_by_what_it_serves():
    top = ROOT / "bot" / "backend"
    assert {p.name for p in top.glob("*.py")} == BACKEND_TOP
    packages = {p.name for p in top.iterdir() if (p / "__init__.py").exists()}
    assert packages == BACKEND_GROUPS


def test_no_two_modules_share_a_name_in_different_roles():
    by_name = defaultdict(list)
    for path in modules(*EVERYTHING):
        by_name[path.stem].append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in by_name.items()
              if len(paths) > 1 and name not in SAME_ROLE}
    assert not shared
    siblings = {p.name for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists()}
    named_after = [str(p.relative_to(ROOT)) for p in modules(*SERVICES) if p.stem in siblings]
    assert not named_after


def test_each_process_has_one_client_of_rasas_http_api():
    speakers = {str(p.relative_to(ROOT)) for p in modules("bot/backend", "bot/telegram")
                if any(endpoint in p.read_text() for endpoint in RASA_API)}
    assert speakers == RASA_CLIENTS


def test_only_the_tracker_stores_own_code_deletes_rasas_events():
    assert 'table("events"' in (ROOT / "bot/assistant/tracker_rows.py").read_text()
    sql = ('table("events"', "FROM events", "from events")
    writers = [str(p.relative_to(ROOT)) for p in modules("bot/backend", "bot/telegram")
               if any(text in p.read_text() for text in sql)]
    assert not writers


def public_definitions(path: Path):
    tree = ast.parse(path.read_text())
    yield "module", tree

    def walk(node, prefix=""):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if not child.name.startswith("_"):
                    yield prefix + child.name, child
                    if isinstance(child, ast.ClassDef):
                        yield from walk(child, f"{prefix}{child.name}.")

    yield from walk(tree)


@pytest.mark.parametrize("root", EVERYTHING)
def test_every_public_function_and_class_has_a_docstring(root: str):
    missing = [f"{path.relative_to(ROOT)}: {name}" for path in modules(root)
               for name, node in public_definitions(path) if not ast.get_docstring(node)]
    assert not missing
