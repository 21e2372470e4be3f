"""Read text files written by Chinese offices: UTF-8, UTF-8 with BOM, or GBK/GB18030."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import CorruptFileError, EncodingError

__all__ = ["decode_bytes", "read_text"]

# GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
ENCODINGS = ("utf-8-sig", "gb18030")
BINARY_SNIFF_BYTES = 8192


def decode_bytes(data: bytes, path: Path | str) -> str:
    """Decode ``data``, refusing binary content instead of producing mojibake.

    :raises CorruptFileError: the bytes look binary (NUL bytes).
    :raises EncodingError: no accepted encoding decodes them.
    """
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise CorruptFileError(path, "不是文本文件（含二进制内容）")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EncodingError(path, "无法识别的文本编码（支持 UTF-8、UTF-8 BOM、GBK/GB18030）")


def read_text(path: Path) -> str:
    """Read and decode a text file (see :func:`decode_bytes`)."""
    return decode_bytes(path.read_bytes(), path)
