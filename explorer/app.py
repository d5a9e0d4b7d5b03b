"""``paramscope`` / ``python -m explorer``: the command line and the start-up sequence.

Start-up: open the model (a file, an example, or the chapter's MLP), select a
parameter (``--select``, else the first weight), show the window, run
``--run``'s script in the console (after the window is shown, so its Stop
button and Esc reach the script), and optionally save a screenshot and quit.
A scripted run (``--quit``, ``--screenshot``) reports a failing script's
traceback on stderr and exits with status 1; ``--timeout`` stops a script
that runs too long.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["main", "build_parser", "display_available", "parse_size"]

DEFAULT_SIZE = (1280, 800)

EPILOG = """\
examples:
  paramscope                                   the chapter's MLP after one forward and
                                               backward batch, first weight selected
  paramscope --example rgnet --select "net[0][1][0].weight"
  paramscope my_model.py --run demo.py         a teacher's model and prepared demo
  paramscope --example tied --screenshot tied.png --size 1280x800
  paramscope --run demo.py --timeout 30 --quit  check a demo script: its traceback goes
                                               to stderr and the exit status is 1 if it fails

A model file defines `net` (a Block) or a function `build()` returning one; if it
leaves a batch in `x` or `X`, Model → Run forward uses it.
Without a display, --screenshot renders offscreen by itself; for anything else set
QT_QPA_PLATFORM=offscreen.
"""


def build_parser() -> argparse.ArgumentParser:
    from .core.examples import DEFAULT_EXAMPLE, EXAMPLES

    parser = argparse.ArgumentParser(
        prog="paramscope",
        description="ParamScope: see inside a neural network. Opens a model's block tree, "
        "a heatmap and histogram of the selected parameter, a Python console "
        "and a log of the engine code of every action.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "model",
        nargs="?",
        metavar="MODEL.py",
        help="a Python file defining `net` (a Block) or `build()`",
    )
    parser.add_argument(
        "--example",
        metavar="NAME",
        choices=list(EXAMPLES),
        help=f"open a built-in example instead: {', '.join(EXAMPLES)} (default: {DEFAULT_EXAMPLE})",
    )
    parser.add_argument(
        "--select",
        metavar="PATH",
        help="select this parameter: an access path such as "
        "'net[0][1][0].weight' or a name such as 'dense0_weight' "
        "(default: the first weight)",
    )
    parser.add_argument(
        "--run",
        metavar="SCRIPT.py",
        help="after start-up, run this script in the console's namespace "
        "(net, np, npx, nn, init, autograd, gluon, session); errors are "
        "shown, not fatal",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=parse_timeout,
        help="stop the --run script after this many seconds (as the Stop "
        "button does) and report it; with --quit or --screenshot the "
        "exit status is then 1",
    )
    parser.add_argument(
        "--screenshot",
        metavar="OUT.png",
        help="after loading, selecting and running, save the window as a PNG "
        "and quit (works without a display)",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=parse_size,
        default=DEFAULT_SIZE,
        help="window size (default: 1280x800)",
    )
    parser.add_argument(
        "--quit",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="quit once start-up is done (default: only with --screenshot; "
        "--no-quit keeps the window open after a screenshot)",
    )
    return parser


def parse_size(text: str) -> tuple[int, int]:
    """``'1280x800'`` → ``(1280, 800)``."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, not {text!r}") from None
    if not (200 <= width <= 10000 and 150 <= height <= 10000):
        raise argparse.ArgumentTypeError(f"size {text} is out of range (200x150 to 10000x10000)")
    return width, height


def parse_timeout(text: str) -> float:
    """``'2.5'`` → ``2.5`` seconds (positive)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"timeout must be a number of seconds, not {text!r}"
        ) from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"timeout must be more than 0 seconds, not {text}")
    return seconds


def display_available() -> bool:
    """Whether Qt can open a window: a platform was chosen, or a display exists."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    quit_after = args.quit if args.quit is not None else bool(args.screenshot)
    if args.screenshot and not display_available():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not display_available():
        print(
            "paramscope: no display found (DISPLAY/WAYLAND_DISPLAY unset); use "
            "--screenshot OUT.png, or set QT_QPA_PLATFORM=offscreen to run without one.",
            file=sys.stderr,
        )
        return 2

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .settings import SettingsStore
    from .theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ParamScope")
    app.setOrganizationName("ParamScope")
    store = SettingsStore()
    settings = store.load()
    apply_theme(app, settings.theme)
    if settings.font_size:
        font = app.font()
        font.setPointSize(settings.font_size)
        app.setFont(font)

    failures: list = []
    window = start_window(args, store, restore_layout=not args.screenshot, failures=failures)
    if quit_after:  # nobody sees the window: say on stderr what went wrong
        for failure in failures:
            print(
                f"paramscope: --run {failure.message}\n{failure.details.rstrip()}", file=sys.stderr
            )
    status = 1 if quit_after and failures else 0
    if args.screenshot:
        return _screenshot_and_maybe_quit(app, window, args.screenshot, quit_after) or status
    if quit_after:
        QTimer.singleShot(0, app.quit)
        return app.exec() or status
    return app.exec()


def start_window(args, store=None, restore_layout: bool = True, failures: list | None = None):
    """Build the window and run the start-up steps of ``args`` (shown, not fatal, on error).

    A failing ``--run`` script is also appended to ``failures`` (a
    :class:`~explorer.views.console_view.ScriptFailure`).
    """
    from .core.session import Session
    from .main_window import MainWindow

    session = Session()
    window = MainWindow(session, store, restore_layout=restore_layout)
    window.resize(*args.size)
    if args.model:
        opened = window.open_model(args.model)
        if not opened:  # show the chapter's MLP behind the error banner
            banner = window.error_banner.text()
            # Its one-batch demo now, not from the window's timer later: that would
            # succeed after the banner is up again and take the banner down.
            if window.open_example(args.example or "mlp"):
                window.compute_gradients()
            window.error_banner.show_message(banner)
    elif window.open_example(args.example or "mlp"):
        # The demo shows a real gradient, not zeros: one batch forward and backward.
        window.compute_gradients()
    if session.net is not None:
        path = args.select or session.first_weight_path()
        if path:
            banner = window.error_banner.text()
            if not window.select(path) and args.select:
                first = session.first_weight_path()
                if first:
                    session.select(first)
            elif banner:
                window.error_banner.show_message(banner)
    window.show()
    window.tree_view.tree.setFocus()
    window.refresh_views()
    if args.run:
        from .core.user_code import RUNNER

        with RUNNER.time_limit(getattr(args, "timeout", None)):
            failure = window.console_view.run_script(args.run)
        if failure:
            window.error_banner.show_message(f"--run {failure.message}")
            if failures is not None:
                failures.append(failure)
        window.refresh_views()
    return window


def _screenshot_and_maybe_quit(app, window, out_path: str, quit_after: bool) -> int:
    # Let the layout settle and the plots paint before grabbing.
    for _ in range(5):
        app.processEvents()
    window.refresh_views()
    app.processEvents()
    ok = window.grab().save(out_path)
    if not ok:
        print(f"paramscope: could not write the screenshot {out_path}", file=sys.stderr)
        return 1
    print(f"paramscope: screenshot written to {out_path}")
    if quit_after:
        window.close()
        return 0
    return app.exec()
