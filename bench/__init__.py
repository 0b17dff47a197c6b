"""Benchmarks and evaluations of the pipeline (`make bench`, `python -m bench`); not tests."""
