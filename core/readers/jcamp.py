"""JCAMP-DX through the registry (the parser itself is core.jcamp)."""
from __future__ import annotations

import re

from core.jcamp import parse_jcamp
from core.readers.text import decode_text
from core.spectrum import Spectrum


def sniff(data: bytes) -> bool:
    """A text file with a ##LABEL= line near its start."""
    head = data[:65536]
    return b"\x00" not in head[:4096] and re.search(rb"^\s*##[^=\r\n]*=", head, re.MULTILINE) is not None


def parse(data: bytes, src: str) -> list[Spectrum]:
    """All data blocks of a JCAMP-DX file (LINK files give several)."""
    return parse_jcamp(decode_text(data, src), src)
