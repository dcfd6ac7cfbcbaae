"""What follows a change of placements (docs/domain.md §2.3, §2.6): the fields the cross-school
registration test reads, and the signal that tells its receiver to test the providers again."""

from qa_app import signals

# What the cross-school registration test reads of a placement (the school's name comes
# with school_id): a save that changes none of these leaves every provider's result as it was.
TESTED_FIELDS = (
    "school_id",
    "provider_id",
    "pupil_ref",
    "year_group",
    "start_date",
    "ended_on",
    "hours_per_week",
    "weeks_per_year",
    "daytime",
    "ehc_plan",
    "looked_after",
    "sen_support",
    "main_education",
)


def placements_changed(provider_ids):
    """Say that these providers' placements were saved, ended or imported (in the same
    transaction, after the flush): signals.placements_changed, whose receiver re-tests them.
    Call it once per save or import."""
    provider_ids = {provider_id for provider_id in provider_ids if provider_id}
    if provider_ids:
        signals.placements_changed.send(provider_ids=provider_ids)


def tested_inputs(placement):
    """The values of the placement that the registration test reads (TESTED_FIELDS)."""
    return tuple(getattr(placement, name) for name in TESTED_FIELDS)
