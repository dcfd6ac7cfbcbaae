"""The test suite: a package, so that an installed package named `tests` (Canaille ships one)
can never stand in for it."""
