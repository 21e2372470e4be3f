"""One loader per file kind."""

from assistant.ingest.loaders.base import FileRef, Loader
from assistant.ingest.loaders.docx import DocxLoader
from assistant.ingest.loaders.html import HtmlLoader
from assistant.ingest.loaders.markdown import MarkdownLoader
from assistant.ingest.loaders.pdf import PdfLoader
from assistant.ingest.loaders.tabular import CsvLoader, JsonlLoader, XlsxLoader
from assistant.ingest.loaders.text import TextLoader

__all__ = [
    "CsvLoader",
    "DocxLoader",
    "FileRef",
    "HtmlLoader",
    "JsonlLoader",
    "Loader",
    "MarkdownLoader",
    "PdfLoader",
    "TextLoader",
    "XlsxLoader",
]
