"""A file to download: the answer every report and export is sent as."""

from flask import send_file


def download(data, mimetype, filename):
    """A file to save, never kept in a shared cache."""
    response = send_file(data, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
