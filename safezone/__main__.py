"""Allow ``python -m safezone``."""

from safezone.cli import main

main()
