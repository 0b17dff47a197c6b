"""Fetching feeds and pages from the hostile web."""

from pipeline.fetch.client import FetchOptions, FetchResult, fetch
from pipeline.fetch.guard import AddressPolicy

__all__ = ["AddressPolicy", "FetchOptions", "FetchResult", "fetch"]
