"""The engine never imports Qt, pyqtgraph or the explorer (DESIGN.md layout rule)."""

import ast
import pathlib
import subprocess
import sys

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "engine"
FORBIDDEN = ("PySide6", "pyqtgraph", "explorer", "PyQt5", "PyQt6", "torch")


def _imported_modules(path: pathlib.Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_engine_source_file_imports_gui_packages():
    offenders = [
        f"{path.relative_to(ENGINE.parent)} imports {module}"
        for path in ENGINE.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_importing_the_engine_loads_no_gui_module():
    code = (
        "import sys, engine, engine.gluon.nn, engine.data\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ENGINE.parent, check=True
    )
    assert out.stdout.strip() == "[]"
