"""Photos of evidence: checking an upload really is an image, re-encoding it, storing it.

An upload is re-encoded as a JPEG of at most 2000 px on its long side: that drops EXIF
(so the GPS position of the site and the device's details) and anything hidden in the
file besides the picture. The JPEG is kept in the database (VisitPhoto.data), so any app
server serves it; PHOTO_STORAGE_PATH (default instance/photos) is only where photos were
kept on disk before, for `flask move-files-into-database` (qa_app.photos.moving). These
functions flush but never commit.
"""

import hashlib
import io
import re
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import undefer

from qa_app.domain import Conflict, Invalid, Locked, NotFound, Unsupported, valid_uuid
from qa_app.extensions import db
from qa_app.photos.models import VisitPhoto
from qa_app.visits.models import Visit
from qa_app.visits.scopes import EDITABLE_VISIT_STATES, may_add_photos

ACCEPTED_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}
LONG_SIDE = 2000
# Refuse larger images before decoding them: a small file can claim a vast canvas. JPEGs
# are decoded in draft mode at 1/2 to 1/8 scale, so they may claim more than PNGs, which are
# decoded whole (4000 x 3000 RGBA is 48 MB; a tablet screenshot is under 6 megapixels).
MAX_PIXELS = {"JPEG": 50_000_000, "PNG": 12_000_000}
JPEG_QUALITY = 85
CAPTION_LIMIT = 300
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def photo_folder():
    """Where photos were stored on disk before the database: PHOTO_STORAGE_PATH, or instance/photos."""
    configured = current_app.config.get("PHOTO_STORAGE_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "photos"


def photo_path(photo, folder=None):
    """The file a photo had on disk before photos moved into the database, or None."""
    return (folder or photo_folder()) / photo.stored_name if photo.stored_name else None


def photos_of(visit, with_data=False):
    """The visit's photos, by criterion and then in the order they were taken; their JPEGs
    are loaded only when asked (a report that prints them), never for a list."""
    query = (
        select(VisitPhoto)
        .where(VisitPhoto.visit_id == visit.id)
        .order_by(VisitPhoto.criterion_code.is_(None), VisitPhoto.criterion_code, VisitPhoto.created_at)
    )
    if with_data:
        query = query.options(undefer(VisitPhoto.data))
    return db.session.scalars(query).all()


def find_photo(visit, photo_uuid):
    """The visit's photo with this UUID, or None."""
    photo_uuid = valid_uuid(photo_uuid)
    if photo_uuid is None:
        return None
    return db.session.scalar(
        select(VisitPhoto).where(VisitPhoto.uuid == photo_uuid, VisitPhoto.visit_id == visit.id)
    )


def upload_target(user, visit_uuid):
    """The visit, when this user is its officer (the only one who may add photos); else NotFound."""
    visit_uuid = valid_uuid(visit_uuid)
    visit = visit_uuid and db.session.scalar(select(Visit).where(Visit.uuid == visit_uuid))
    if not visit or not may_add_photos(user, visit):
        raise NotFound("No such visit.")
    return visit


def _checked_sha256(data, sha256):
    """The SHA-256 the tablet sent (in lower-case hex) when it is one and matches the bytes
    that arrived; else Invalid (a body cut short on the way does not match)."""
    sha256 = (sha256 or "").strip().lower()
    if not SHA256_HEX.match(sha256):
        raise Invalid(
            {"photo": "Send X-Content-SHA256: the SHA-256 of the body, in hex."}, code="sha256_required"
        )
    if hashlib.sha256(data).hexdigest() != sha256:
        message = "The body does not match X-Content-SHA256: it may be cut short. Send it again."
        raise Invalid({"photo": message}, code="sha256_mismatch")
    return sha256


def save_photo(user, visit, photo_uuid, data, content_type, sha256, criterion="", caption=""):
    """Store one photo of the visit; returns (photo, created).

    The same UUID with the same bytes again is a no-op (created is False), even once the
    visit is locked, so a retried upload always succeeds; the same UUID with other bytes
    is refused (409). Raises Invalid, Unsupported, Conflict, Locked or NotFound.
    """
    photo_uuid = valid_uuid(photo_uuid)
    if photo_uuid is None:
        raise NotFound("No such photo.")
    sha256 = _checked_sha256(data, sha256)
    existing = db.session.scalar(select(VisitPhoto).where(VisitPhoto.uuid == photo_uuid))
    if existing is not None:
        if existing.visit_id == visit.id and existing.sha256 == sha256:
            return existing, False
        raise Conflict("This photo id already holds a different photo.", code="photo_conflict")
    if visit.status not in EDITABLE_VISIT_STATES:
        raise Locked("This visit is submitted and can no longer change.")
    jpeg, width, height = reencode(data, content_type)
    photo = VisitPhoto(
        uuid=photo_uuid,
        visit_id=visit.id,
        criterion_code=_criterion_code(visit, criterion),
        caption=_caption(caption),
        sha256=sha256,
        content_type="image/jpeg",
        byte_size=len(jpeg),
        width=width,
        height=height,
        data=jpeg,
        uploaded_by_id=user.id,
    )
    db.session.add(photo)
    db.session.flush()  # a concurrent upload of the same UUID fails here
    return photo, True


def reencode(data, content_type):
    """The image as (JPEG bytes, width, height): upright, flattened on white, at most 2000 px
    on its long side, with no EXIF. Invalid or Unsupported unless it is a JPEG or PNG as declared."""
    expected = ACCEPTED_TYPES.get(content_type)
    if expected is None:
        raise Unsupported("Send a JPEG or PNG photo (Content-Type image/jpeg or image/png).")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != expected:
                raise Invalid({"photo": f"The body is not a {expected} image."}, code="not_an_image")
            _check_pixels(probe)
            probe.verify()
        with Image.open(io.BytesIO(data)) as original:
            _check_pixels(original)  # what is decoded is what was checked
            original.draft("RGB", _fitted(original.size))  # JPEG: decode at a reduced scale, much faster
            image = original
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if _has_alpha(image) else "RGB")
            # Shrink first (a quick box reduction, then Lanczos), so that the full-size image
            # is decoded once and never copied.
            image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS, reducing_gap=1.0)
            image = _flattened(ImageOps.exif_transpose(image))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except Invalid:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as problem:
        raise Invalid(
            {"photo": "The body is not a readable JPEG or PNG image."}, code="not_an_image"
        ) from problem
    return out.getvalue(), image.width, image.height


def _check_pixels(image):
    """Invalid when the image claims more pixels than its format may (read from its header)."""
    limit = MAX_PIXELS[image.format]
    if image.width * image.height > limit:
        raise Invalid(
            {"photo": f"The photo is too large: send it at {limit // 1_000_000} megapixels or fewer."},
            code="too_many_pixels",
        )


def _fitted(size):
    """The size with its long side capped at LONG_SIDE, keeping the shape."""
    width, height = size
    scale = min(1.0, LONG_SIDE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _flattened(image):
    """An RGB copy; transparent parts (PNG) become white rather than black."""
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _criterion_code(visit, code):
    """A criterion code of the visit's framework, or None for a photo of the visit in general."""
    code = (code or "").strip().upper()
    if not code:
        return None
    if code not in {c.code for c in visit.framework_version.active_criteria()}:
        raise Invalid(
            {
                "photo": f"{code[:8]} is not a criterion of framework {visit.framework_version.name}.",
            },
            code="unknown_criterion",
        )
    return code


def _caption(text):
    """The caption as plain text on one line, within its limit."""
    text = " ".join("".join(ch for ch in (text or "") if ch >= " ").split())
    if len(text) > CAPTION_LIMIT:
        raise Invalid(
            {"photo": f"A caption must be {CAPTION_LIMIT} characters or fewer."}, code="caption_too_long"
        )
    return text
