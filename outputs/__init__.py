"""What kaohe publishes: the results workbook, per-unit feedback workbooks and the leaders'
documents.

Outputs, not templates: workbook_templates/ keeps the forms clerks fill and their reading; this
package writes from a `results` document (plain data in, files out).
"""
