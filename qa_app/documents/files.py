"""Checking an uploaded file: a PDF, JPEG or PNG by its first bytes (never by its name or the
type the browser claims), not empty, and no larger than DOCUMENT_MAX_BYTES."""

import re

from flask import current_app

# The first bytes of each type accepted, and the type it is then stored and served as.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def sniffed_type(data):
    """The type the file's first bytes say it is, or None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def max_bytes():
    return current_app.config["DOCUMENT_MAX_BYTES"]


def size_words(size):
    return f"{size / (1024 * 1024):.0f} MB"


def check_file(data):
    """(content type, None) for an acceptable file, or (None, the problem in words)."""
    if not data:
        return None, "Choose a file to upload"
    if len(data) > max_bytes():
        return None, f"The file must be smaller than {size_words(max_bytes())}"
    content_type = sniffed_type(data)
    if content_type is None:
        return None, "The file must be a PDF, JPG or PNG"
    return content_type, None


def safe_filename(name, content_type):
    """A name to offer the file under: the uploader's, stripped to plain characters, with the
    extension of the type it really is."""
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    stem = stem.rsplit(".", 1)[0].strip(" .")[:150] or "document"
    return stem + EXTENSIONS[content_type]


def read_upload(storage):
    """The bytes of an uploaded werkzeug FileStorage (at most one byte over the limit, so a
    huge file is refused without reading it all), or b""."""
    if storage is None:
        return b""
    return storage.stream.read(max_bytes() + 1)


def as_download(data, content_type, filename):
    """A stored file as the answer to its download: the type its bytes showed it to be, saved
    rather than opened, never cached, and never sniffed by the browser as something else."""
    return (
        data,
        200,
        {
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
