"""Moving photos kept on one server's disk (PHOTO_STORAGE_PATH) into the database.

Before photos were stored in the database, each was a file named by VisitPhoto.stored_name.
`flask move-files-into-database` reads each such file into VisitPhoto.data, one photo at a
time and committed as it goes, so it can be stopped and run again: a photo already in the
database is skipped. The files are left where they are, to be removed once the move is
checked. Providers' documents have always been stored in the database.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from qa_app.extensions import db
from qa_app.photos.models import VisitPhoto
from qa_app.photos.services import photo_folder, photo_path


@dataclass
class MoveCounts:
    """What a run did: photos moved in, photos already in the database, and files not found."""

    moved: int = 0
    already_in_database: int = 0
    missing: list = field(default_factory=list)  # one line per photo whose file is not there


def move_photos_into_database(folder=None, say=None):
    """Read every photo still on disk into the database; returns MoveCounts.

    `say` is called with a line for each photo whose file is missing (the photo is left as it
    is, and shown as missing until its file is found and the command run again)."""
    folder = folder or photo_folder()
    counts = MoveCounts()
    ids = db.session.scalars(select(VisitPhoto.id).order_by(VisitPhoto.id)).all()
    for photo_id in ids:
        photo = db.session.get(VisitPhoto, photo_id)
        if photo.data is not None or not photo.stored_name:
            counts.already_in_database += 1
            continue
        path = photo_path(photo, folder)
        if not path.is_file():
            line = f"Photo {photo.uuid} of visit {photo.visit.uuid}: no file at {path}, left as it is"
            counts.missing.append(line)
            if say:
                say(line)
            continue
        photo.data = path.read_bytes()
        photo.byte_size = len(photo.data)
        db.session.commit()
        counts.moved += 1
    db.session.commit()
    return counts
