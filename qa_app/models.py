"""Every model, imported in one place so Alembic and the tests see all the tables."""

from qa_app.auth.models import School, User  # noqa: F401
from qa_app.escalations.models import Escalation, EscalationEvent  # noqa: F401
from qa_app.framework.models import Criterion, FrameworkVersion  # noqa: F401
from qa_app.notifications.models import OutboxEmail  # noqa: F401
from qa_app.photos.models import VisitPhoto  # noqa: F401
from qa_app.placements.models import (  # noqa: F401
    Placement,
    PlacementConflict,
    PlacementImport,
    PlacementReview,
)
from qa_app.providers.models import Provider, ProviderService  # noqa: F401
from qa_app.referrals.models import Referral, ReferralEvent  # noqa: F401
from qa_app.registration.models import RegistrationRules  # noqa: F401
from qa_app.visits.models import (  # noqa: F401
    Action,
    Judgement,
    SyncReceipt,
    Visit,
    VisitConflict,
    VisitEvent,
)
