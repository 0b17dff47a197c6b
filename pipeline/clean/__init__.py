"""HTML into sanitised HTML and plain text; Unicode hygiene; dates."""
