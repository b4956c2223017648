"""Reading a submitted workbook as the checks see it, and locating: document path -> sheet and cell,
a keyed table's structure, whose a file is by its name."""
