"""Documents: a neutral document model, one Markdown writer, one Word writer, charts, file-name slugs.

Tasks build a :class:`~assistant.report.document.Document` from their results; this package
writes it and never imports a task.
"""
