"""Providers' self-assessments before a visit: requested by the officer with a deadline,
answered by the provider's staff criterion by criterion (judgement, evidence, files), shown
beside each criterion of the visit form online and offline."""
