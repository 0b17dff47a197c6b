"""Pure text primitives every stage shares: the one Cyrillic-to-Latin table and the folding built
on it (``fold``), control-character hygiene (``controls``) and a bounded memo (``memo``)."""
