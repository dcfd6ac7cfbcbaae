"""Photos live in the database: served from it, never loaded for a list, and those left on a
server's disk from before are moved in by `flask move-files-into-database`."""

import hashlib
import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import event

from qa_app.extensions import db
from qa_app.photos.models import VisitPhoto
from qa_app.photos.services import photos_of, save_photo


def jpeg(colour="teal"):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def officer(make_user):
    return make_user("officer")


@pytest.fixture
def visit(make_provider, make_visit, officer):
    return make_visit(make_provider(), status="draft", officer=officer)


def stored(officer, visit, colour="teal"):
    """A photo saved through the service, committed."""
    data = jpeg(colour)
    photo, _ = save_photo(
        officer, visit, str(uuid.uuid4()), data, "image/jpeg", hashlib.sha256(data).hexdigest()
    )
    db.session.commit()
    return photo


def left_on_disk(app, officer, visit, name, colour="red"):
    """A photo as it was before photos moved into the database: a file named by stored_name."""
    photo = stored(officer, visit, colour)
    data, photo.data, photo.stored_name = photo.data, None, name
    db.session.commit()
    folder = Path(app.config["PHOTO_STORAGE_PATH"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return photo, data


def test_a_photo_is_served_from_the_database(client, signed_in, app, officer, visit):
    """The photo's page answers the JPEG held in the database, whatever is on this server's disk."""
    photo = stored(officer, visit)
    signed_in(officer)
    response = client.get(f"/visits/{visit.uuid}/photos/{photo.uuid}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == photo.data and response.headers["Cache-Control"] == "private, no-store"


def test_a_list_of_photos_never_loads_their_bytes(app, officer, visit):
    """The list query selects no blob; a report asks for them and gets them in the same query."""
    for colour in ("teal", "red"):
        stored(officer, visit, colour)
    db.session.expire_all()
    assert visit.id  # loaded again before the count
    statements = []
    listen = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        listed = photos_of(visit)
        assert len(listed) == 2 and all("data" not in photo.__dict__ for photo in listed)
        assert all("visit_photo.data" not in s for s in statements)
        db.session.expire_all()
        assert visit.id
        statements.clear()
        printed = photos_of(visit, with_data=True)
        assert all(photo.__dict__["data"][:2] == b"\xff\xd8" for photo in printed)
        assert len(statements) == 1 and "visit_photo.data" in statements[0]
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def test_a_photo_not_yet_moved_in_is_404(client, signed_in, app, officer, visit):
    """Until the command moves its file in, a photo from before is not served (not from disk)."""
    photo, _ = left_on_disk(app, officer, visit, "a" * 32 + ".jpg")
    signed_in(officer)
    assert client.get(f"/visits/{visit.uuid}/photos/{photo.uuid}").status_code == 404


def test_files_on_disk_are_moved_in_once_and_a_missing_one_is_named(
    client, signed_in, app, runner, officer, visit
):
    """The command reads each file into its photo, counts what it did, names a photo whose file
    is missing without stopping, and moves nothing twice when run again."""
    already = stored(officer, visit)
    moved, data = left_on_disk(app, officer, visit, "b" * 32 + ".jpg")
    lost, _ = left_on_disk(app, officer, visit, "c" * 32 + ".jpg", colour="blue")
    (Path(app.config["PHOTO_STORAGE_PATH"]) / lost.stored_name).unlink()

    result = runner.invoke(args=["move-files-into-database"])
    assert result.exit_code == 0, result.output
    assert f"Photo {lost.uuid} of visit {visit.uuid}: no file at" in result.output
    assert "moved into the database: 1; already there: 1; files not found: 1." in result.output
    db.session.expire_all()
    assert db.session.get(VisitPhoto, moved.id).data == data
    assert db.session.get(VisitPhoto, lost.id).data is None
    assert db.session.get(VisitPhoto, already.id).stored_name is None

    again = runner.invoke(args=["move-files-into-database"])
    assert "moved into the database: 0; already there: 2; files not found: 1." in again.output
    signed_in(officer)
    response = client.get(f"/visits/{visit.uuid}/photos/{moved.uuid}")
    assert response.status_code == 200 and response.data == data
