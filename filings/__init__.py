"""Bytes on disk or from EDGAR -> typed filings (`filings.model`), read by `filings.reader`.

The bottom layer: it imports nothing of ours above it. Importing the package loads nothing; import
the module you need (`filings.model` is light, `filings.reader` brings the HTML and XML readers)."""
