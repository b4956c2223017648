"""The rules, by what they check: the JSON Schema of every document kind (json_schema,
quick_check), values of unit reports and lead sheets (values), registers (registers), free text
(text), Excel error values, the table's edges and tampering. docs/validation.md lists each
finding's slug with its module."""
