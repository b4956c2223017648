"""Orchestration: loading documents, consolidation, feedback; file I/O is allowed here."""
