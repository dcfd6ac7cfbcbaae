"""Photos of evidence in the visit report: two to a row, each scaled to fit with its
caption, and one that cannot be read listed as missing rather than breaking the report."""

from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, Spacer, Table

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
        image = _image(photo.path, cell_width - 12, PHOTO_HEIGHT)
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


def _image(path, max_width, max_height):
    """The photo as a flowable scaled to fit, or None when it cannot be read."""
    if path is None:
        return None
    try:
        with PILImage.open(path) as image:
            width, height = image.size
            if image.format != "JPEG":
                image.load()  # not one of ours (they are all JPEG): decode it to be sure
            elif not _ends_whole(image.fp):
                return None
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        return None
    scale = min(max_width / width, max_height / height)
    # A file name, not a file: reportlab then copies a JPEG into the PDF as it is,
    # where a file object makes it decode the whole photo to name it.
    return Image(str(path), width * scale, height * scale)


def _ends_whole(jpeg):
    """True when a JPEG file ends with its end-of-image marker (it was not cut short)."""
    jpeg.seek(-2, 2)
    return jpeg.read(2) == b"\xff\xd9"
