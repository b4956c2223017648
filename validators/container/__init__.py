"""The untrusted-container gate: what no parser should touch is refused before any parser touches it
(file size and kind, the zip directory, every XML part streamed against limits)."""
