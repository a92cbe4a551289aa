"""``python -m kiosk``: the same command as ``safezone kiosk`` (handy before it is registered)."""

from __future__ import annotations

from kiosk.cli import kiosk_cmd
from safezone.cli.context import CliContext


def main() -> None:
    """Run the kiosk command with settings from the environment / ``safezone.toml``."""
    kiosk_cmd.main(prog_name="python -m kiosk", obj=CliContext())


if __name__ == "__main__":
    main()
