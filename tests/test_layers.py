"""The import contracts hold with no exceptions: a layer that needs an ignore line is a
layer in the wrong place (docs/architecture.md)."""

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_contract_has_an_ignore_list():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    contracts = [name for name in config.sections() if name.startswith("importlinter:contract:")]
    assert len(contracts) == 3
    assert [name for name in contracts if config.has_option(name, "ignore_imports")] == []


def test_only_pages_may_import_the_features_forms():
    """The routes-and-forms contract names every package and module under qa_app but
    qa_app.pages, which puts pages together from the features' forms (.importlinter)."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    listed = set(config.get("importlinter:contract:pages", "source_modules").split())
    package = ROOT / "qa_app"
    under = {f"qa_app.{path.stem}" for path in package.glob("*.py") if path.stem != "__init__"}
    under |= {f"qa_app.{path.parent.name}" for path in package.glob("*/__init__.py")}
    assert listed == under - {"qa_app.pages"}


def test_the_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count(" KEPT") == 3
