"""``python -m pipeline langid``: one text per line in, ``tag<TAB>confidence`` per line out."""

from __future__ import annotations

from typing import TextIO

from pipeline.language.detector import identify
from pipeline.language.types import LanguageOptions


def main(stdin: TextIO, stdout: TextIO) -> int:
    options = LanguageOptions()
    for line in stdin:
        result = identify(line.rstrip("\r\n"), options=options)
        stdout.write(f"{result.tag}\t{result.confidence:.3f}\n")
    stdout.flush()
    return 0
