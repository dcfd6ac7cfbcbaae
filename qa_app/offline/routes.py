"""The service worker, the manifest and the visit form's shell page (the bundle: qa_app.api.offline)."""

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Response, current_app, redirect, render_template, url_for
from flask_login import login_required

from qa_app.auth.permissions import CASEWORK, navigation
from qa_app.offline import bp

# The app shell the service worker precaches, as paths under static/. Offline, the
# visit form needs exactly these (GOV.UK Frontend is built with Arial: no web fonts).
SHELL_ASSETS = (
    "vendor/govuk/app.css",
    "vendor/govuk/govuk-frontend.min.js",
    "vendor/govuk/assets/images/favicon.ico",
    "vendor/govuk/assets/images/govuk-crest.svg",
    "vendor/idb/index.js",
    "js/app.js",
    "js/registration-test.js",
    "js/offline/api.js",
    "js/offline/db.js",
    "js/offline/outbox.js",
    "js/offline/page.js",
    "js/offline/payload.js",
    "js/offline/photos.js",
    "js/offline/session.js",
    "js/offline/status.js",
    "js/offline/sync.js",
    "js/offline/form.js",
    "js/offline/sections.js",
    "js/offline/fields.js",
    "js/offline/check.js",
    "js/offline/rating.js",
    "js/offline/visits-list.js",
    "images/icon-192.png",
)


@cache
def _shell(static_folder):
    """The shell's version: a hash of the worker and every shell asset, so that any
    change to them installs a new service worker with a new cache."""
    static = Path(static_folder)
    digest = hashlib.sha256((static / "js" / "sw.js").read_bytes())
    for asset in SHELL_ASSETS:
        path = static / asset
        digest.update(asset.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site root so that its scope is the whole site."""
    static = Path(current_app.static_folder)
    version = current_app.config.get("OFFLINE_SHELL_VERSION") or _shell(str(static))
    urls = [url_for("offline.shell")] + [url_for("static", filename=a) for a in SHELL_ASSETS]
    header = f"const SHELL_VERSION = {json.dumps(version)};\nconst SHELL_URLS = {json.dumps(urls)};\n"
    body = header + (static / "js" / "sw.js").read_text()
    response = Response(body, mimetype="application/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    # The browser must always check for a new worker (and so a new shell version).
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest, so that an officer can install the app on a tablet."""
    body = {
        "name": current_app.config["SERVICE_NAME"],
        "short_name": "QA visits",
        "start_url": url_for("visits.programme"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d70b8",
        "icons": [
            {
                "src": url_for("static", filename=f"images/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return Response(json.dumps(body), mimetype="application/manifest+json")


@bp.route("/offline/shell")
def shell():
    """The visit form's shell: the page the service worker answers with for a visit's
    address (and any page) when there is no signal. static/js/offline/form.js reads the
    visit and section from the address and draws the form from IndexedDB.

    It holds no personal data (the service worker caches it), so it needs no sign-in;
    the script shows only the drafts of the officer last signed in on this tablet."""
    menus = {role: navigation(RoleOnly(role)) for role in sorted(CASEWORK)}
    return render_template("offline/shell.html", shell=True, menus=menus)


class RoleOnly:
    """A signed-in user of a role and no more: the menu that role sees, for a page that
    must not say who is signed in."""

    is_authenticated = True
    sign_off_deputy = False

    def __init__(self, role):
        self.role = role


@bp.route("/offline/visit")
@login_required
def visit():
    """The old address of the offline form: visits now open at their own address, so it
    leads to the user's home (the programme, for an officer)."""
    return redirect(url_for("auth.home"))
