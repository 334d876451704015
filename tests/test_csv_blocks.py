"""A CSV's lines read a block at a time (records.decoded_lines) are the lines read one at a time: the
same numbers, texts and undecodable lines, whatever the line ends, encodings and block boundaries."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from rulecheck.inputs import records
from rulecheck.inputs.records import physical_lines

PIECES = st.sampled_from([b"a", b",", b"1", b" ", "是".encode(), "是".encode("gb18030"), b"\xff", b"\xef\xbb\xbf",
                          b"\n", b"\r\n", b"\r", b'"'])


def one_by_one(data: bytes, encoding: str | None) -> list[tuple[int, str | None, bytes]]:
    """The lines as read before blocks: a line at a time, each decoded alone."""
    lines = []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        if encoding is None and not raw.isascii():
            encoding = "utf-8" if records._decodes(raw, "utf-8") or not records._decodes(raw, "gb18030") else "gb18030"
        used = encoding or "utf-8"
        try:
            text = raw.decode("utf-8-sig" if number == 1 and used == "utf-8" else used)
        except UnicodeDecodeError:
            lines.append((number, None, raw))
        else:
            lines.append((number, (text.removeprefix("\ufeff") if number == 1 else text).rstrip("\r\n"), b""))
    return lines


def read(data: bytes, encoding: str | None) -> list[tuple[int, str | None, bytes]]:
    return [(line.number, line.text, line.raw) for line in physical_lines(io.BytesIO(data), "d.csv", encoding)]


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60), st.sampled_from([None, "utf-8", "gb18030"]), st.integers(1, 9))
def test_blocks_read_the_lines_one_by_one_would(pieces, encoding, block):
    data, usual = b"".join(pieces), records.BLOCK
    records.BLOCK = block
    try:
        assert read(data, encoding) == one_by_one(data, encoding)
    finally:
        records.BLOCK = usual


def test_a_line_longer_than_a_block_and_a_bad_line_among_good_ones(monkeypatch):
    monkeypatch.setattr(records, "BLOCK", 4)
    data = "\ufeffid,名称\r\nD1,一二三四五六七八\r\n".encode() + b"D2,\xff\r\nD3,x"
    assert read(data, "utf-8") == [(1, "id,名称", b""), (2, "D1,一二三四五六七八", b""), (3, None, b"D2,\xff\r\n"),
                                   (4, "D3,x", b"")]
