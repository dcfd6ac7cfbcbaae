"""Photos of evidence: idempotent upload, checks and re-encoding, storage, who sees them."""

import hashlib
import io
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from qa_app.extensions import db
from qa_app.photos.models import VisitPhoto


def jpeg(size=(400, 300), colour="teal", exif=None):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def png(size=(40, 30), mode="RGBA"):
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def put(client, visit, data, photo_uuid=None, content_type="image/jpeg", sha=None, **headers):
    headers = {"X-Content-SHA256": sha or hashlib.sha256(data).hexdigest(), **headers}
    return client.put(
        f"/api/visits/{visit.uuid}/photos/{photo_uuid or uuid.uuid4()}",
        data=data,
        content_type=content_type,
        headers=headers,
    )


def stored_files(app):
    """The JPEGs stored, from the database; and nothing is ever written to the server's disk."""
    folder = Path(app.config["PHOTO_STORAGE_PATH"])
    assert not folder.exists() or not any(folder.iterdir())
    db.session.expire_all()
    return [photo.data for photo in photos()]


def photos():
    return db.session.scalars(db.select(VisitPhoto)).all()


@pytest.fixture
def officer(make_user):
    """The visit's officer (not signed in: see signed_in)."""
    return make_user("officer")


@pytest.fixture
def visit(make_provider, make_visit, officer):
    return make_visit(make_provider(), status="draft", officer=officer)


def test_upload_stores_a_smaller_jpeg_under_a_random_name(client, signed_in, app, visit, officer):
    """A new photo is 201; it is stored in the database re-encoded as a JPEG, long side capped at 2000 px."""
    signed_in(officer)
    photo_uuid = str(uuid.uuid4())
    response = put(client, visit, jpeg((3000, 1200)), photo_uuid, **{"X-Photo-Criterion": "sg3"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["uuid"], body["criterion"], body["width"], body["height"]) == (photo_uuid, "SG3", 2000, 800)
    assert body["content_type"] == "image/jpeg"
    [stored] = stored_files(app)
    assert stored[:2] == b"\xff\xd8" and len(stored) == body["byte_size"]
    assert photos()[0].stored_name is None


def test_png_with_transparency_becomes_a_jpeg_on_white(client, signed_in, app, visit, officer):
    """A PNG is accepted and stored as a JPEG; transparent parts turn white, not black."""
    signed_in(officer)
    assert put(client, visit, png(), content_type="image/png").status_code == 201
    [data] = stored_files(app)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG" and min(stored.getpixel((5, 5))) > 240


def test_same_bytes_again_is_a_no_op(client, signed_in, app, visit, officer):
    """A retried upload (same UUID, same bytes) answers 200 and stores nothing more."""
    signed_in(officer)
    photo_uuid, data = str(uuid.uuid4()), jpeg()
    assert put(client, visit, data, photo_uuid).status_code == 201
    again = put(client, visit, data, photo_uuid)
    assert again.status_code == 200 and again.get_json()["uuid"] == photo_uuid
    assert len(photos()) == 1 and len(stored_files(app)) == 1


def test_other_bytes_under_the_same_uuid_is_409(client, signed_in, app, visit, officer):
    """The same UUID with different bytes is a conflict; the first photo is kept."""
    signed_in(officer)
    photo_uuid = str(uuid.uuid4())
    put(client, visit, jpeg(colour="teal"), photo_uuid)
    response = put(client, visit, jpeg(colour="red"), photo_uuid)
    assert response.status_code == 409 and response.get_json()["error"] == "photo_conflict"
    assert len(photos()) == 1


def test_upload_strips_exif_and_gps(client, signed_in, app, visit, officer):
    """The stored photo keeps no EXIF, so no GPS position of the site."""
    signed_in(officer)
    exif = Image.Exif()
    exif[0x010F] = "TabletMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS IFD
    data = jpeg(exif=exif.tobytes())
    assert b"TabletMaker" in data
    assert put(client, visit, data).status_code == 201
    [stored] = stored_files(app)
    assert b"Exif" not in stored and b"TabletMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()


def test_upload_is_turned_upright(client, signed_in, app, visit, officer):
    """A photo the camera marked as rotated is stored the right way up."""
    signed_in(officer)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to display
    response = put(client, visit, jpeg((300, 100), exif=exif.tobytes()))
    assert (response.get_json()["width"], response.get_json()["height"]) == (100, 300)


@pytest.mark.parametrize(
    "data, content_type",
    [
        (b"<html><script>alert(1)</script></html>", "image/jpeg"),  # HTML dressed as a photo
        (png(), "image/jpeg"),  # a PNG that says it is a JPEG
        (jpeg()[:200], "image/jpeg"),  # cut short
    ],
    ids=["html", "wrong-type", "truncated"],
)
def test_upload_that_is_not_such_an_image_is_400(client, signed_in, app, visit, data, content_type, officer):
    """Bytes that are not really an image of the declared type are refused; nothing is stored."""
    signed_in(officer)
    response = put(client, visit, data, content_type=content_type)
    assert response.status_code == 400 and response.get_json()["error"] == "not_an_image"
    assert photos() == [] and stored_files(app) == []


def test_vast_image_is_refused_before_decoding(client, signed_in, visit, officer):
    """A small file that claims a vast canvas (a decompression bomb) is 400."""
    signed_in(officer)
    response = put(client, visit, png((10_000, 6_000), mode="1"), content_type="image/png")
    assert response.status_code == 400 and response.get_json()["error"] == "too_many_pixels"


def test_other_content_type_is_415(client, signed_in, visit, officer):
    """Only JPEG and PNG are accepted."""
    signed_in(officer)
    response = put(client, visit, b"GIF89a...", content_type="image/gif")
    assert response.status_code == 415


def test_too_large_is_413_in_json(client, signed_in, app, visit, officer):
    """A body over the limit (10 MB by default) is 413 with a JSON error; nothing is read or stored."""
    signed_in(officer)
    assert app.config["PHOTO_MAX_BYTES"] == 10 * 1024 * 1024
    app.config["PHOTO_MAX_BYTES"] = 1000
    response = put(client, visit, jpeg((600, 600), colour="navy") + b"\0" * 1000)
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large" and photos() == []


def test_checksum_must_match_the_body(client, signed_in, visit, officer):
    """A body that does not match X-Content-SHA256 (cut short in transit) is 400."""
    signed_in(officer)
    assert put(client, visit, jpeg(), sha="0" * 64).get_json()["error"] == "sha256_mismatch"
    response = client.put(
        f"/api/visits/{visit.uuid}/photos/{uuid.uuid4()}", data=jpeg(), content_type="image/jpeg"
    )
    assert response.status_code == 400 and response.get_json()["error"] == "sha256_required"


def test_criterion_and_caption(client, signed_in, visit, officer):
    """The criterion must be one of the framework's; the caption is percent-encoded UTF-8."""
    signed_in(officer)
    caption = "Zoë's fire door log, ground floor"
    response = put(client, visit, jpeg(), **{"X-Photo-Criterion": "HS4", "X-Photo-Caption": quote(caption)})
    assert response.get_json()["caption"] == caption
    response = put(client, visit, jpeg(), **{"X-Photo-Criterion": "XX9"})
    assert response.status_code == 400 and response.get_json()["error"] == "unknown_criterion"


@pytest.mark.parametrize("role", ["officer", "head_of_access", "school", "admin"])
def test_only_the_visits_officer_may_upload(client, signed_in, visit, role, officer):
    """Anyone but the visit's own officer gets 404, as if the visit did not exist."""
    signed_in(officer)
    client.post("/logout")
    signed_in(role)
    assert put(client, visit, jpeg()).status_code == 404
    assert photos() == []


def test_signed_out_upload_is_json_401(app, visit):
    """The API never redirects to the sign-in page."""
    response = put(app.test_client(), visit, jpeg())
    assert response.status_code == 401 and response.is_json


def test_locked_visit_takes_no_new_photos_but_a_retry_succeeds(client, signed_in, visit, officer):
    """Once submitted, a new photo is 409; a retry of one already stored is still 200."""
    signed_in(officer)
    photo_uuid, data = str(uuid.uuid4()), jpeg()
    put(client, visit, data, photo_uuid)
    visit.status = "submitted"
    db.session.commit()
    assert put(client, visit, data, photo_uuid).status_code == 200
    response = put(client, visit, jpeg(colour="red"))
    assert response.status_code == 409 and response.get_json()["error"] == "locked"


def test_photo_from_another_site_is_403(client, signed_in, visit, officer):
    """A cross-site request (a forged upload) is refused."""
    signed_in(officer)
    response = put(client, visit, jpeg(), Origin="https://evil.example")
    assert response.status_code == 403


def test_photo_is_shown_to_those_who_see_the_visit(client, signed_in, visit, officer):
    """The visit's officer and the Head of Access see the photo; others do not."""
    signed_in(officer)
    photo_uuid = str(uuid.uuid4())
    put(client, visit, jpeg(), photo_uuid)
    url = f"/visits/{visit.uuid}/photos/{photo_uuid}"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    for role, expected in (("head_of_access", 200), ("officer", 404), ("school", 403)):
        client.post("/logout")
        signed_in(role)
        assert client.get(url).status_code == expected, role


def png_bomb(width, height):
    """A valid greyscale PNG of this size, all black: tiny on disk, vast once decoded."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    squeeze = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte, then one byte a pixel
    rows_at_once = max(1, 1_000_000 // len(row))
    parts, left = [], height
    while left:
        n = min(left, rows_at_once)
        parts.append(squeeze.compress(row * n))
        left -= n
    parts.append(squeeze.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")
    )


@pytest.fixture
def decoded(monkeypatch):
    """The sizes at which images were decoded during the test (Image.load is counted)."""
    from PIL import ImageFile

    sizes = []
    real_load = ImageFile.ImageFile.load

    def counting_load(self):
        if self.tile:  # not yet decoded
            sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return sizes


@pytest.mark.parametrize("size", [(7070, 7070), (1, 50_000_000)])
def test_png_bombs_are_refused_before_decoding(client, signed_in, visit, officer, decoded, size):
    """A 190 KiB PNG of 7,070 x 7,070 and a 1 x 50,000,000 PNG are refused quickly, unread."""
    import time

    bomb = png_bomb(*size)
    assert len(bomb) < 300 * 1024
    signed_in(officer)
    started = time.monotonic()
    response = put(client, visit, bomb, content_type="image/png")
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert response.get_json()["error"] == "too_many_pixels"
    assert decoded == []
    assert photos() == []


def test_big_jpeg_is_decoded_at_a_reduced_size(client, signed_in, visit, officer, decoded):
    """A 48-megapixel JPEG is decoded in draft mode, at a fraction of its size, and kept."""
    signed_in(officer)
    response = put(client, visit, jpeg((8000, 6000)))
    assert response.status_code == 201, response.get_json()
    assert decoded and max(max(size) for size in decoded) <= 4000
    assert (photos()[0].width, photos()[0].height) == (2000, 1500)


def test_a_phone_sized_png_is_still_accepted(client, signed_in, visit, officer):
    """A tablet screenshot (2732 x 2048) is well inside the PNG limit."""
    signed_in(officer)
    response = put(client, visit, png((2732, 2048), mode="RGB"), content_type="image/png")
    assert response.status_code == 201, response.get_json()
