"""URL canonicalisation, stable keys and duplicate detection."""
