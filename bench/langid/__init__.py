"""Helpers for bench/langid_eval.py: evaluation sets and peer detectors."""
