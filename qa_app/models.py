"""Every model, imported in one place so Alembic and the tests see all the tables."""

from qa_app.alerts.models import AttendanceAlert  # noqa: F401
from qa_app.api.receipts import SyncReceipt  # noqa: F401
from qa_app.audit.models import ReadEvent  # noqa: F401
from qa_app.auth.mfa.models import AuthenticatorApp, Passkey, RecoveryCode  # noqa: F401
from qa_app.auth.models import School, User  # noqa: F401
from qa_app.documents.models import DocumentReminder, ProviderDocument  # noqa: F401
from qa_app.escalations.models import Escalation, EscalationEvent  # noqa: F401
from qa_app.framework.models import Criterion, FrameworkVersion  # noqa: F401
from qa_app.kept_figures import FiguresToken  # noqa: F401
from qa_app.notifications.models import OutboxEmail, OutboxRecipient  # noqa: F401
from qa_app.photos.models import VisitPhoto  # noqa: F401
from qa_app.placements.attendance_totals import AttendanceDayTotal, AuthorityDayTotal  # noqa: F401
from qa_app.placements.models import (  # noqa: F401
    AttendanceImport,
    AttendanceMark,
    Placement,
    PlacementConflict,
    PlacementImport,
    PlacementReview,
    SafeguardingConfirmation,
)
from qa_app.portal.models import StaffInvitation  # noqa: F401
from qa_app.providers.models import Provider, ProviderService  # noqa: F401
from qa_app.referrals.models import Referral, ReferralEvent  # noqa: F401
from qa_app.registration.models import RegistrationRules  # noqa: F401
from qa_app.retention.models import Disposal, DisposedPlacementCount, LegalHold  # noqa: F401
from qa_app.selfassessment.models import SelfAssessment, SelfAssessmentAnswer, SelfAssessmentFile  # noqa: F401
from qa_app.subject_access.models import SubjectAccessProduction, SubjectAccessRequest  # noqa: F401
from qa_app.visits.accuracy import AccuracyComment, DraftShare  # noqa: F401
from qa_app.visits.action_answers import ActionAnswer, ActionEvidence, ActionOverdueNotice  # noqa: F401
from qa_app.visits.models import (  # noqa: F401
    Action,
    Judgement,
    Visit,
    VisitConflict,
    VisitEvent,
)
