"""Rendering of briefings: charts (PNG), Markdown and Word documents."""
