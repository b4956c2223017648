"""Click commands, one module per area, registered in kaohe.cli._COMMAND_MODULES."""
