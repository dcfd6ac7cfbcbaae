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
# (placements.registration) re-tests those providers.
placements_changed = _signals.signal("placements-changed")

# Sent with the rules version when an administrator publishes registration rules. The
# placements' registration test runs again for every provider when they are in force.
rules_published = _signals.signal("rules-published")

# Each signal the app relies on, and what its receiver does.
REQUIRED = {
    placements_changed: "the cross-school registration test re-tests the providers",
    rules_published: "the cross-school registration test runs again for every provider",
}


def check_receivers():
    """Raise at start-up if a signal the app relies on has no receiver."""
    missing = [f"{signal.name} ({what})" for signal, what in REQUIRED.items() if not signal.receivers]
    if missing:
        raise RuntimeError("Signals with no receiver: " + "; ".join(missing))
