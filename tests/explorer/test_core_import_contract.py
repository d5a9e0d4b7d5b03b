"""``explorer/core`` never imports Qt (DESIGN.md): session, commands and watcher run headless."""

import ast
import pathlib
import subprocess
import sys

CORE = pathlib.Path(__file__).resolve().parents[2] / "explorer" / "core"
FORBIDDEN = ("PySide6", "pyqtgraph", "PyQt5", "PyQt6", "shiboken6")


def _imports(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                yield node.module
            elif node.level >= 2:  # reaching out of core into the Qt side of explorer
                yield "explorer." + (node.module or "")


def test_no_core_file_imports_qt_or_the_views():
    offenders = [
        f"{path.name} imports {module}"
        for path in CORE.rglob("*.py")
        for module in _imports(path)
        if module.split(".")[0] in FORBIDDEN
        or module.startswith(("explorer.views", "explorer.main_window", "explorer.dialogs"))
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = ", ".join(
        f"explorer.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"
    )
    code = (
        f"import sys, {modules}\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=CORE.parents[1],
    )
    assert out.stdout.strip() == "[]"
