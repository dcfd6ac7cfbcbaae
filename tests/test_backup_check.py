"""bin/backup-check against the PostgreSQL on this machine: it takes a dump of a running
database, restores it into a new one, migrates it, starts the app on it and downloads one
visit's report. Skipped when TEST_DATABASE_URL is not PostgreSQL (fails in CI)."""

import io
import re
import subprocess
import sys

import pytest
from PIL import Image
from sqlalchemy import create_engine, text

from tests.servers import ROOT, app_environment, drop_database, flask, fresh_database

SCRIPT = ROOT / "bin" / "backup-check"


def photo():
    """A small photo of evidence."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "teal").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def source():
    """A migrated PostgreSQL database of the test's own, standing for the running service."""
    url = fresh_database("backup_source")
    for command in (["db", "upgrade"], ["load-framework"]):
        flask(command, app_environment(url))
    yield url
    drop_database(url)


def backup_check(url, output, *extra):
    """Run the script as an operator would; (exit code, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--database-url", url, "--output", str(output), *extra],
        cwd=ROOT,
        env=app_environment("unused"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, done.stdout, done.stderr


def scalar(url, sql):
    """One value read from the database at this URL."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text(sql))
    finally:
        engine.dispose()


def test_a_backup_restores_migrates_and_serves_a_visit_report(source, tmp_path):
    """The dump is kept; the copy answers /healthz and the signed-off visit's report is a PDF;
    the copy holds the photo's bytes (photos are in the database, so in the backup)."""
    from tests.servers import seed_visit

    seeded = seed_visit(source, status="signed_off", photo=photo())
    code, out, err = backup_check(source, tmp_path / "backups", "--keep")
    assert code == 0, out + err
    [dump] = (tmp_path / "backups").glob("qa_app-*.dump")
    assert dump.read_bytes()[:5] == b"PGDMP" and f"Backup taken: {dump}" in out
    assert "/healthz answers 200" in out
    assert f"Visit {seeded['visit']}'s report downloads from the copy: application/pdf" in out
    assert out.strip().endswith("restores, migrates and serves.")
    copy = re.search(r"Restored into a new database: (\S+)\.", out).group(1)
    copy_url = source.rsplit("/", 1)[0] + "/" + copy
    try:
        restored = scalar(copy_url, "SELECT data FROM visit_photo")
        assert restored[:2] == b"\xff\xd8" and restored == scalar(source, "SELECT data FROM visit_photo")
        assert scalar(copy_url, "SELECT count(*) FROM visit WHERE status = 'signed_off'") == 1
    finally:
        drop_database(copy_url)
    # The check's own account was made in the copy only.
    assert scalar(source, "SELECT count(*) FROM \"user\" WHERE email = 'backup-check@example.org'") == 0


def test_a_backup_with_no_visit_fails_saying_so_and_leaves_no_copy(source, tmp_path):
    """Nothing to check is a failure with its reason, exit 1; the copy is dropped all the same."""
    code, out, err = backup_check(source, tmp_path / "backups")
    assert code == 1 and "Backup check FAILED: The backup holds no visit" in err, out + err
    copy = re.search(r"Restored into a new database: (\S+)\.", out).group(1)
    assert scalar(source, f"SELECT count(*) FROM pg_database WHERE datname = '{copy}'") == 0
