"""The layout the README describes: data flows units → tasks → indicators → portal, so a module
imports only from its own app and the apps before it; and no module is too long to read.

Tests and migrations are left out: a test may reach any app to set up its case, and a
migration is generated."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["units", "tasks", "indicators", "portal"]
MAX_LINES = 650


def modules(app: str) -> list[Path]:
    return sorted(
        path for path in (ROOT / app).rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    )


def imported_apps(path: Path) -> set[str]:
    """The project's apps a module imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_an_app_imports_nothing_from_the_apps_after_it(app):
    later = set(LAYERS[LAYERS.index(app) + 1:])
    upward = {str(path.relative_to(ROOT)): sorted(found) for path in modules(app) if (found := imported_apps(path) & later)}
    assert upward == {}


def test_the_ledger_import_and_the_drafter_live_with_the_import_pages():
    imports = ROOT / "portal" / "imports"
    for package in ("ledger", "drafting"):
        assert (imports / package / "__init__.py").exists()
        assert not (ROOT / "indicators" / package).exists()
    commands = {path.stem for path in (imports / "management" / "commands").glob("*.py")}
    assert {"import_ledger", "draft_ledger"} <= commands


def test_no_module_is_over_the_line_limit():
    long = {
        str(path.relative_to(ROOT)): lines
        for app in LAYERS for path in modules(app)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
