"""Benchmarks: the provider register against the floor that Flask itself sets (see README.md)."""
