"""`python -m kaohe …` runs the `kaohe` command (where the console script is not on PATH)."""

from kaohe.cli import main

main()
