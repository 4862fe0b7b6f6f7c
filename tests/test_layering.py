"""The layering of the code, read from its imports (parsed with ``ast``, nothing imported).

One table says which of our folders each folder may import and which libraries it never
imports (``../shared/DESIGN.md``, "Folders"); every import statement counts, lazy ones inside
functions included. A new top-level package fails the test until it has a row here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Folders (or top-level modules) not checked: they may use everything.
UNCHECKED = frozenset({"tests", "bench"})

#: What the store's SQL driver and ORM are called; only ``plan`` talks to them.
_SQL_LIBS = frozenset({"sqlite3", "sqlalchemy", "psycopg", "psycopg2", "geoalchemy2"})

#: folder -> (our folders it may import besides itself, libraries it never imports).
RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "geo": (frozenset(), frozenset({"streamlit", *_SQL_LIBS})),
    "style": (frozenset(), frozenset({"streamlit", *_SQL_LIBS})),
    "plaintext": (frozenset(), frozenset({"streamlit", *_SQL_LIBS})),
    "i18n": (frozenset({"geo"}), frozenset(_SQL_LIBS)),
    "layers": (frozenset({"geo", "style", "plaintext"}), frozenset({"streamlit", *_SQL_LIBS})),
    "plan": (frozenset({"geo"}), frozenset({"streamlit"})),
    "report": (
        frozenset({"geo", "plan", "style", "i18n", "plaintext"}),
        frozenset({"streamlit", *_SQL_LIBS}),
    ),
    "feeds": (frozenset({"geo", "plan"}), frozenset({"streamlit", *_SQL_LIBS})),
    # cli reads sqlite3.Error only to answer a --db that is no store with one ``galat:`` line
    "cli": (
        frozenset({"geo", "plan", "report"}),
        frozenset({"streamlit", *_SQL_LIBS - {"sqlite3"}}),
    ),
    "views": (
        frozenset({"geo", "layers", "plan", "i18n", "report", "style", "plaintext"}),
        frozenset(_SQL_LIBS),
    ),
    "app": (frozenset({"geo", "i18n", "plan", "views", "feeds"}), frozenset(_SQL_LIBS)),
    "server": (frozenset({"feeds", "layers", "plan", "views"}), frozenset(_SQL_LIBS)),
    "data": (frozenset({"geo"}), frozenset({"streamlit", *_SQL_LIBS})),
}

#: A string that is SQL (written upper-case, as the store writes it): only ``plan`` holds SQL.
_SQL = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s"
    r"|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)\s|ALTER\s+TABLE\s|DROP\s+TABLE\s|PRAGMA\s)",
    re.DOTALL,
)

#: Folders that may hold SQL.
SQL_FOLDERS = frozenset({"plan"})

def _ours() -> set[str]:
    """Our top-level import names: packages and top-level modules of the repository."""
    names = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    return names | {p.stem for p in ROOT.glob("*.py")}


def _files(folder: str) -> list[Path]:
    single = ROOT / f"{folder}.py"
    if single.is_file():
        return [single]
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Absolute module names imported by a file, with their line numbers."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
    return out


def _violations(folder: str) -> list[str]:
    """Forbidden imports of a folder (``file:line imports module``)."""
    allowed, never = RULES[folder]
    ours = _ours()
    found = []
    for path in _files(folder):
        rel = path.relative_to(ROOT).as_posix()
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top == folder:
                continue
            if (top in ours and top not in allowed) or top in never:
                found.append(f"{rel}:{line} imports {module}")
    return found


def _sql_strings(folder: str) -> list[str]:
    found = []
    for path in _files(folder):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and _SQL.match(text):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:40]!r}")
    return found


def test_every_folder_has_a_rule() -> None:
    assert _ours() - UNCHECKED - set(RULES) == set()


@pytest.mark.parametrize("folder", sorted(RULES))
def test_folder_imports_only_what_it_may(folder: str) -> None:
    if not _files(folder):
        pytest.skip(f"{folder} does not exist (yet)")
    assert _violations(folder) == []


@pytest.mark.parametrize("folder", sorted(set(RULES) - SQL_FOLDERS))
def test_no_sql_outside_the_store(folder: str) -> None:
    assert _sql_strings(folder) == []


#: One topic a module: no module of these folders grows past this many lines (split it).
MAX_MODULE_LINES = 800
SIZED_FOLDERS = ("geo", "plan", "cli", "feeds")


@pytest.mark.parametrize("folder", SIZED_FOLDERS)
def test_modules_stay_small(folder: str) -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in _files(folder)}  # fmt: skip
    assert {f: n for f, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_the_check_sees_a_forbidden_arrow(tmp_path: Path) -> None:
    """The parser finds lazy imports inside functions and ``from`` imports alike."""
    code = "import json\n\ndef f():\n    from plan.store import Store\n    import streamlit as st\n"
    path = tmp_path / "probe.py"
    path.write_text(code, encoding="utf-8")
    assert _imports(path) == [(1, "json"), (4, "plan.store"), (5, "streamlit")]
    assert _SQL.match("SELECT id FROM operations WHERE name = ?")
    assert not _SQL.match("Select a post on the map")
