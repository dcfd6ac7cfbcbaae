"""A photo of evidence on a visit, stored as a re-encoded JPEG in the database."""

from qa_app.dates import utcnow
from qa_app.extensions import db


class VisitPhoto(db.Model):
    """One photo taken on a visit, optionally of one criterion's evidence.

    `uuid` is made by the client (a tablet takes photos offline). `sha256` is the hash of
    the bytes the client sent, so a retried upload is recognised; the content type,
    size and dimensions describe the stored file, which the server re-encoded.

    The JPEG itself is `data`, in the database (bytea on PostgreSQL, a blob on SQLite), so
    any app server serves it and one database backup holds it. It is deferred: lists of
    photos never load it. `stored_name` is the file a photo had on disk before photos moved
    into the database (`flask move-files-into-database`); new photos have none.
    """

    id = db.Column(db.Integer, primary_key=True)
    uuid = db.Column(db.String(36), nullable=False, unique=True)
    visit_id = db.Column(db.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True)
    criterion_code = db.Column(db.String(8))
    caption = db.Column(db.String(300), nullable=False, default="")
    sha256 = db.Column(db.String(64), nullable=False)
    content_type = db.Column(db.String(20), nullable=False, default="image/jpeg")
    byte_size = db.Column(db.Integer, nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    data = db.deferred(db.Column(db.LargeBinary))
    stored_name = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    uploaded_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)

    visit = db.relationship("Visit")
    uploaded_by = db.relationship("User")

    def __repr__(self):
        return f"<VisitPhoto {self.uuid} {self.criterion_code or '-'}>"
