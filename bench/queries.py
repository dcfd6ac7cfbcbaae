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
    html: str = field(default="", repr=False)

    @property
    def count(self):
        return len(self.statements)


def signed_in_client(app, email, password):
    """A test client signed in through the real sign-in form."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    signed_in = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    if signed_in.status_code != 302:
        raise RuntimeError(f"In-process sign-in failed with {signed_in.status_code}")
    return client


def page_queries(app, client, path):
    """Load `path` once to warm up, then count the statements of the second load.

    The count includes the sign-in's user lookup, which every signed-in page pays.
    """
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
    html = response.get_data(as_text=True)
    summary = register_summary(html) or (None, None)
    return PageQueries(path, response.status_code, statements, *summary, html=html)


def count_queries(app, path, email, password):
    """Sign in through the form and count the SQL of one signed-in load of `path`."""
    return page_queries(app, signed_in_client(app, email, password), path)
