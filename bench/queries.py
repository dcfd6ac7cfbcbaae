"""SQL statements per page, counted in-process for a signed-in request."""

from dataclasses import dataclass, field

from sqlalchemy import event

from bench.pages import csrf_token, register_summary
from qa_app.extensions import db


@dataclass
class PageQueries:
    """The statements one GET of a page ran, and what the page showed."""

    path: str
    status: int
    statements: list = field(default_factory=list)
    providers_matched: int | None = None
    pages: int | None = None

    @property
    def count(self):
        return len(self.statements)


def count_queries(app, path, email, password):
    """Sign in through the form, load `path` once to warm up, then count the second load.

    The count includes the sign-in's user lookup, which every signed-in page pays.
    """
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    signed_in = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    if signed_in.status_code != 302:
        raise RuntimeError(f"In-process sign-in failed with {signed_in.status_code}")
    client.get(path)

    statements = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    summary = register_summary(response.get_data(as_text=True)) or (None, None)
    return PageQueries(path, response.status_code, statements, *summary)
