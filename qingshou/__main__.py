"""``python -m qingshou``."""

from qingshou.cli import main

main()
