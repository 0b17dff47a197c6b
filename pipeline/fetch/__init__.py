"""Fetching feeds and pages from the hostile web."""

from pipeline.fetch.client import FetchOptions, FetchResult, FetchSession, fetch, fetch_async
from pipeline.fetch.guard import AddressPolicy

__all__ = ["AddressPolicy", "FetchOptions", "FetchResult", "FetchSession", "fetch", "fetch_async"]
