"""The offline client's send loop (static/js/offline/sync.js), run by Node against an
in-memory tablet and server: tests/js/sync.test.mjs."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
# Node reads the modules as ES modules (there is no package.json "type"); that is expected.
QUIET = "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON"


def test_send_loop_passes_its_node_tests():
    """tests/js/sync.test.mjs: order, PUTs side by side, a backlog in batches, and the outbox's keep rules."""
    assert NODE, "node is needed for the offline client's tests (it builds the front end too)"
    result = subprocess.run(
        [NODE, QUIET, "--test", "tests/js/sync.test.mjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
