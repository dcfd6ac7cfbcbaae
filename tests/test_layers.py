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


def test_the_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count(" KEPT") == 3
