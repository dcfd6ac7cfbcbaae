"""The app's signals, in one place (blinker, as Flask's own are): a feature below says that
something happened, and a feature above that must act on it connects a receiver. So the
lower one imports nothing of the upper, and neither keeps a list of hooks.

create_app() checks at start-up that every signal here has its receiver (check_receivers):
a receiver whose module was not imported would otherwise fail silently.
"""

from blinker import Namespace

_signals = Namespace()

# Sent with `provider_ids` (a set) whenever placements are saved, ended or imported, in the
# same transaction after the flush. The cross-school registration test
# (placements.cross_school_test) re-tests those providers.
placements_changed = _signals.signal("placements-changed")

# Sent with the rules version when an administrator publishes registration rules. The
# placements' registration test runs again for every provider when they are in force.
rules_published = _signals.signal("rules-published")

# Sent with a school visit (saved or not) when the placements it checks are needed; each
# receiver answers with the placements it lists for the visit ([{"uuid", "pupil_ref", ...}]).
# The placements feature, above visits, answers (placements.visit_checks).
school_visit_placements = _signals.signal("school-visit-placements")

# Sent with a set of school ids and `today` when the visit programme orders the schools;
# each receiver answers {school id: why it is due first} for the schools with pupils at
# providers of concern (placements.school_concerns).
schools_of_concern = _signals.signal("schools-of-concern")

# Each signal the app relies on, and what its receiver does.
REQUIRED = {
    placements_changed: "the cross-school registration test re-tests the providers",
    rules_published: "the cross-school registration test runs again for every provider",
    school_visit_placements: "a school visit lists the placements it checks",
    schools_of_concern: "the programme puts schools with pupils at providers of concern first",
}


def answers(signal, sender, **kwargs):
    """What each receiver of `signal` answers to `sender`, in the order they connected."""
    return [answer for _receiver, answer in signal.send(sender, **kwargs)]


def check_receivers():
    """Raise at start-up if a signal the app relies on has no receiver."""
    missing = [f"{signal.name} ({what})" for signal, what in REQUIRED.items() if not signal.receivers]
    if missing:
        raise RuntimeError("Signals with no receiver: " + "; ".join(missing))
