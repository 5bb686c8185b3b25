"""Bounded decoding of Content-Encoding (gzip, deflate, br).

httpx would decode for us, but a decoder that is handed 1 MB of a
decompression bomb returns gigabytes in one call. These decoders never return
more than ``limit`` bytes per call and stop as soon as the running total passes
the cap, so a bomb costs at most ``cap`` bytes of memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli

CHUNK = 64 * 1024  # bytes produced per decompressor call at most


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def flush(self) -> Iterator[bytes]: ...


class Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class Zlib:
    """gzip (``wbits=16+15``) or deflate (zlib-wrapped, falling back to raw)."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._first = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._first and not self._gzip and data:
            self._first = False
            try:
                probe = zlib.decompressobj(zlib.MAX_WBITS)
                probe.decompress(data[:2])
            except zlib.error:  # raw deflate, as some servers send
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        pending = data
        while True:
            out = self._obj.decompress(pending, CHUNK)
            if out:
                yield out
            pending = self._obj.unconsumed_tail
            if not pending:
                break
            if self._obj.eof:
                break

    def flush(self) -> Iterator[bytes]:
        out = self._obj.flush()
        if out:
            yield out


class Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        out = self._obj.process(data, output_buffer_limit=CHUNK)
        if out:
            yield out
        while not self._obj.can_accept_more_data():
            out = self._obj.process(b"", output_buffer_limit=CHUNK)
            if not out:
                break
            yield out

    def flush(self) -> Iterator[bytes]:
        return iter(())


def decoder_for(content_encoding: str | None) -> Decoder:
    """A decoder for the (last) content coding; unknown codings raise ValueError."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    coding = codings[-1] if codings else "identity"
    if coding in ("identity", ""):
        return Identity()
    if coding in ("gzip", "x-gzip"):
        return Zlib(gzip=True)
    if coding == "deflate":
        return Zlib(gzip=False)
    if coding == "br":
        return Brotli()
    raise ValueError(f"unsupported content encoding {coding!r}")
