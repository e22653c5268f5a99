"""SAE Inspector entry point: the GUI by default, subcommands for headless use.

    python main.py [IMAGE] [--bundle DIR]          open the inspector
    python main.py analyze IMAGE --bundle DIR ...  headless analysis (see --help)
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from app.cli.entry import run_cli

    return run_cli(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
