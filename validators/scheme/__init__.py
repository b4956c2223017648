"""Checks of a scheme document beyond its JSON Schema: sums, references, coherent method
parameters."""
