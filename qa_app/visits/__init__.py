"""Visits to providers: judgements against the framework, actions, sign-off."""
