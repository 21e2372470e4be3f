"""HTML pages: visible text only, with h1–h6 turned into Markdown headings."""

from __future__ import annotations

from typing import ClassVar

from assistant.errors import CorruptFileError
from assistant.ingest.encoding import read_text
from assistant.ingest.loaders.base import FileRef
from assistant.records import DocType, SourceDocument

__all__ = ["HtmlLoader"]

BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "pre", "blockquote", "dd", "dt")


class HtmlLoader:
    """One document per page; scripts, styles and navigation are dropped."""

    extensions: ClassVar[tuple[str, ...]] = (".html", ".htm")

    def load(self, ref: FileRef) -> list[SourceDocument]:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(read_text(ref.path), "html.parser")
        for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
            tag.decompose()
        lines = []
        for element in soup.find_all(BLOCKS):
            if element.find(BLOCKS):  # a container; its children are visited on their own
                continue
            text = " ".join(element.get_text(" ", strip=True).split())
            if not text:
                continue
            name = element.name or ""
            lines.append(f"{'#' * int(name[1])} {text}" if name[0] == "h" and name[1:].isdigit() else text)
        body = "\n\n".join(lines) or soup.get_text("\n", strip=True)
        if not body.strip():
            raise CorruptFileError(ref.path, "网页中没有文字")
        title_tag = soup.title.string if soup.title and soup.title.string else ""
        h1 = soup.find("h1")
        title = (title_tag or (h1.get_text(strip=True) if h1 else "") or ref.path.stem).strip()
        return [
            SourceDocument(
                doc_id=ref.doc_id,
                doc_type=ref.doc_type or DocType.POLICY,
                title=title,
                text=body,
                source=str(ref.path),
                markdown=True,
            )
        ]
