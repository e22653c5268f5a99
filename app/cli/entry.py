"""Argument parsing and the one place where errors become a line on stderr and an exit code."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import sys
from typing import NoReturn

from app import __version__
from app.cli import COMMANDS
from app.cli.bounds import check_args
from app.core.errors import InspectorError
from app.core.paths import DEFAULT_BUNDLE_NAME

EXIT_USER_ERROR = 2
log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line on stderr (``error: ...``) and exit 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        text = re.sub(r"'([^']{32})[^']+'", r"'\1...'", " ".join(message.split()))  # a 5,000-digit value, shortened
        self.exit(EXIT_USER_ERROR, f"error: {self.prog}: {text if len(text) <= 300 else text[:297] + '...'}\n")


def _gui_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="main.py",
        description="SAE Inspector: make the defect ViT explain itself with experiments.",
        epilog="Headless subcommands: " + ", ".join(COMMANDS) + ". Run 'main.py COMMAND --help' for each.",
    )
    p.add_argument("image", nargs="?", help="part image to open")
    p.add_argument("--bundle", help=f"model bundle folder (default: model_store/{DEFAULT_BUNDLE_NAME})")
    p.add_argument("--backend", default="auto", choices=["auto", "torch", "onnx"])
    p.add_argument("--self-test", action="store_true", help="check the default bundle on every backend and exit")
    p.add_argument("--version", action="version", version=f"SAE Inspector {__version__}")
    return p


def _display_available() -> bool:
    if sys.platform.startswith(("win", "darwin")):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc", "eglfs", "linuxfb")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


PIPELINE_COMMANDS = {"synth", "train-vit", "evaluate", "record", "train-sae", "build-bundle", "import-timm"}


def limit_blas_threads() -> None:
    """Interactive use: one BLAS thread for numpy.

    The engine's numpy work between suffix passes is small (edit deltas, [P, k] x [k, D]).
    OpenBLAS runs it on every core and its threads then spin while torch or ONNX Runtime
    run the suffix: measured here, a 64-latent edit took 8-16 ms instead of 3-3.6 ms.
    torch and ONNX Runtime keep their own thread pools. Training keeps BLAS threads.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional in a frozen build
        return
    threadpool_limits(1, user_api="blas")


def run_cli(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    from app.core.logging_setup import setup_logging

    setup_logging()
    if not (argv and argv[0] in PIPELINE_COMMANDS):
        limit_blas_threads()
    name = argv[0] if argv and argv[0] in COMMANDS else "the inspector"
    try:
        if argv and argv[0] in COMMANDS:
            name = argv[0]
            module_name, help_text = COMMANDS[name]
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    print(f"error: the '{name}' command is not available in this build", file=sys.stderr)
                    return EXIT_USER_ERROR
                raise
            parser = _Parser(prog=f"main.py {name}", description=help_text)
            module.add_arguments(parser)
            args = parser.parse_args(argv[1:])
            check_args(args)  # absurd numbers are refused before anything is allocated
            rc = int(module.run(args) or 0)
            if sys.stdout is not None:
                sys.stdout.flush()  # a buffered pipe fails here, inside the try, not at interpreter exit
            return rc
        args = _gui_parser().parse_args(argv)
        name = "--self-test" if args.self_test else name
        if args.self_test:
            from app.cli.self_test import run_self_test

            return run_self_test(args)
        return _open_gui(args)
    except InspectorError as exc:
        print(f"error: {_one_line(exc.message)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except SystemExit as exc:  # argparse: --help, --version (0) or a bad option, already printed (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): not an error of ours. Point stdout at devnull so the
        # interpreter's final flush cannot raise again, and exit as a piped Unix tool does.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, AttributeError, ValueError):
            pass
        return 141
    except MemoryError:
        log.exception("out of memory in %s", name)
        print(f"error: {name} ran out of memory{_see_log()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # noqa: BLE001 - the backstop: one line for the user, the traceback in the log file
        log.exception("%s failed", name)
        print(f"error: {name} failed: {type(exc).__name__}: {_one_line(str(exc))}{_see_log()}", file=sys.stderr)
        return EXIT_USER_ERROR


def _one_line(text: str, limit: int = 400) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _see_log() -> str:
    from app.core.logging_setup import current_log_file

    f = current_log_file()
    return f" (details in {f})" if f else ""


def _open_gui(args: argparse.Namespace) -> int:
    if not _display_available():
        print(
            "error: no display found (DISPLAY is not set); the inspector needs a screen. "
            "For headless use try: python main.py analyze IMAGE --bundle DIR --json",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    try:
        from app.ui.app import run_gui
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("app.ui"):
            print(
                "The GUI is not part of this build yet. Use the CLI: "
                "python main.py analyze IMAGE --bundle DIR [--mask M.png] [--edit ID:off] --json",
                file=sys.stderr,
            )
            return 0
        raise
    return run_gui(image=args.image, bundle=args.bundle, backend=args.backend)
