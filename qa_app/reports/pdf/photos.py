"""Photos of evidence in the visit report: two to a row, each scaled to fit with its
caption, and one that cannot be read listed as missing rather than breaking the report."""

import hashlib
import io

from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from qa_app.reports.pdf.pages import WIDTH
from qa_app.reports.pdf.text import plain

PHOTO_HEIGHT = 62 * mm
PHOTO_ROOM = PHOTO_HEIGHT + 20 * mm  # a heading over photos needs a row of them below it


def photo_grid(photos, s):
    """Photos two to a row, scaled to fit, each with its caption; unreadable ones listed as missing."""
    cell_width = WIDTH / 2
    cells = []
    for photo in photos:
        caption = f"{photo.criterion}: {photo.caption}" if photo.criterion else photo.caption
        image = _image(photo.data, cell_width - 12, PHOTO_HEIGHT)
        if image is None:
            cells.append([Paragraph(plain(f"Photo missing: {caption or 'no caption'}"), s["small"])])
        else:
            cells.append([image, Spacer(1, 2), Paragraph(plain(caption), s["small"])])
    if len(cells) % 2:
        cells.append("")
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    return Table(
        rows,
        colWidths=[cell_width, cell_width],
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ],
    )


def _image(data, max_width, max_height):
    """The photo (JPEG bytes) as a flowable scaled to fit, or None when it cannot be read."""
    if not data:
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format != "JPEG" or not data.endswith(b"\xff\xd9"):
                return None  # ours are all whole JPEGs: anything else is not one of them
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        return None
    scale = min(max_width / width, max_height / height)
    return JpegPhoto(data, width * scale, height * scale)


class _JpegSource:
    """A JPEG in memory as reportlab's image loader takes it: copied into the PDF as it is
    (reportlab's own ImageReader would decode the whole photo to name it)."""

    def __init__(self, data):
        self.data = data
        self.name = "jpeg-" + hashlib.sha256(data).hexdigest()

    def __str__(self):
        return self.name  # reportlab names the image by this, so the same photo is stored once

    def jpeg_fh(self):
        """The JPEG as a file, for reportlab to copy."""
        return io.BytesIO(self.data)


class JpegPhoto(Flowable):
    """A photo of evidence drawn at a given size from its JPEG bytes."""

    def __init__(self, data, width, height):
        super().__init__()
        self.source = _JpegSource(data)
        self.width, self.height = width, height
        self.hAlign = "CENTER"  # as reportlab's Image

    def wrap(self, available_width, available_height):
        """The photo's size (fixed when it was scaled to fit its cell)."""
        return self.width, self.height

    def draw(self):
        """Draw the photo."""
        self.canv.drawImage(self.source, 0, 0, self.width, self.height, mask=None)
