"""The demo's story told with real dates: visits on working days, each step of a visit or
an escalation at a plausible hour after the one before, and photos of evidence.

Loading the demo happens in a second, so without this every timestamp would be the
moment it was loaded. Times are fixed (no clock is read), so two loads on the same day
tell the same story.
"""

import hashlib
import io
import uuid
from datetime import datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from qa_app.escalations.models import EscalationEvent
from qa_app.extensions import db
from qa_app.photos.services import save_photo
from qa_app.visits.models import VisitEvent

PHOTO_CAPTIONS = (
    ("SG1", "Single central record: the page for new staff"),
    ("HS2", "Fire exit signage on the ground floor"),
    ("QE1", "A pupil's work folder with marking"),
    ("HS4", "Fire drill log"),
    ("PD2", "Behaviour chart in the main room"),
)


def working_day(day):
    """The day itself, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute))


def date_visit(visit, today):
    """Give a visit's steps times on and after its visit date: saved on the day, submitted
    the next working day, decided two working days later (never after today)."""
    visit_day = visit.visit_date
    submitted = min(working_day(visit_day + timedelta(days=1)), today)
    decided = min(working_day(submitted + timedelta(days=2)), today)
    times = {
        "create": _at(visit_day, 10, 5),
        "update": _at(visit_day, 15, 40),
        "submit": _at(submitted, 9, 20),
        "sign_off": _at(decided, 11, 45),
        "return": _at(decided, 11, 45),
    }
    events = db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit.id)).all()
    for number, event in enumerate(events):
        event.at = times.get(event.action, times["update"]) + timedelta(minutes=number)
    visit.created_at = times["create"]
    visit.updated_at = max(event.at for event in events) if events else times["create"]
    if visit.submitted_at:
        visit.submitted_at = times["submit"]
    if visit.signed_off_at:
        visit.signed_off_at = times["sign_off"]
    db.session.flush()


def date_escalation(escalation, raised_on, today):
    """Raised at 10:30 on its day; each decision on a later working day at 14:00."""
    escalation.created_at = _at(raised_on, 10, 30)
    events = db.session.scalars(
        select(EscalationEvent)
        .where(EscalationEvent.escalation_id == escalation.id)
        .order_by(EscalationEvent.id)
    ).all()
    day = raised_on
    for event in events:
        if event.action == "raise":
            event.at = escalation.created_at
        else:
            day = min(working_day(day + timedelta(days=1)), today)
            event.at = _at(day, 14, 0)
    escalation.state_changed_at = events[-1].at if events else escalation.created_at
    db.session.flush()


def _picture(rng, label):
    """A small JPEG that looks like a photo of a page or a wall: a tinted ground, a sheet, lines."""
    ground = tuple(rng.randint(120, 200) for _ in range(3))
    image = Image.new("RGB", (480, 360), ground)
    draw = ImageDraw.Draw(image)
    left, top = rng.randint(30, 90), rng.randint(20, 60)
    draw.rectangle((left, top, left + 300, top + 260), fill=(245, 243, 236), outline=(90, 90, 90))
    for line in range(9):
        y = top + 30 + line * 24
        draw.line((left + 20, y, left + 20 + rng.randint(140, 260), y), fill=(60, 60, 70), width=3)
    draw.text((left + 20, top + 8), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def add_photos(user, visit, rng, count=2):
    """Photos of evidence on a draft visit, saved as the tablet's uploads are."""
    for criterion, caption in rng.sample(PHOTO_CAPTIONS, count):
        data = _picture(rng, caption)
        save_photo(
            user,
            visit,
            str(uuid.UUID(int=rng.getrandbits(128))),
            data,
            "image/jpeg",
            hashlib.sha256(data).hexdigest(),
            criterion=criterion,
            caption=caption,
        )
