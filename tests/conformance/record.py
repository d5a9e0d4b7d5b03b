"""Re-record the MXNet 1.9.1 fixtures of tests/conformance.

Usage::

    python tests/conformance/record.py [--python /tmp/mx/bin/python] [PROBE ...]

Runs every probe in ``probes/`` (or only the named ones, with or without the
``.py``) with the given interpreter, which must have ``mxnet==1.9.1``
installed, each in a fresh process whose working directory is a new temporary
folder. Writes

* ``expected/NAME.txt``: the probe's stdout, byte for byte;
* ``expected/NAME.stderr.txt``: its stderr, only when it is not empty (the
  test compares the warning lines in it);
* ``expected/RECORDED.txt``: which python / mxnet / numpy recorded them.

A probe that exits with a non-zero status is an error: nothing is written for
it. The fixtures must only ever come from a real MXNet run, never be edited by
hand.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROBES = HERE / "probes"
EXPECTED = HERE / "expected"
DEFAULT_PYTHON = "/tmp/mx/bin/python"
TIMEOUT = 300


def probe_paths(names: list[str]) -> list[Path]:
    if not names:
        return sorted(PROBES.glob("[0-9][0-9]_*.py"))
    paths = []
    for name in names:
        path = PROBES / (name if name.endswith(".py") else name + ".py")
        if not path.exists():
            sys.exit(f"no such probe: {path}")
        paths.append(path)
    return paths


def run_probe(python: str, path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="mxprobe-") as cwd:
        return subprocess.run(
            [python, str(path)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
        )


def versions(python: str) -> str:
    code = (
        "import sys, mxnet, numpy; "
        "print('python', sys.version.split()[0]); "
        "print('mxnet', mxnet.__version__); "
        "print('numpy', numpy.__version__)"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=DEFAULT_PYTHON, help="interpreter with mxnet 1.9.1")
    parser.add_argument("probes", nargs="*", help="probe names (default: all)")
    args = parser.parse_args()

    info = versions(args.python)
    if "mxnet 1.9.1" not in info:
        print(f"warning: {args.python} does not have mxnet 1.9.1:\n{info}", file=sys.stderr)
    EXPECTED.mkdir(exist_ok=True)
    failures = 0
    for path in probe_paths(args.probes):
        name = path.stem
        result = run_probe(args.python, path)
        if result.returncode != 0:
            failures += 1
            print(f"FAILED {name} (exit {result.returncode}):\n{result.stderr[-3000:]}")
            continue
        (EXPECTED / f"{name}.txt").write_text(result.stdout, encoding="utf-8")
        err_path = EXPECTED / f"{name}.stderr.txt"
        if result.stderr.strip():
            err_path.write_text(result.stderr, encoding="utf-8")
        elif err_path.exists():
            err_path.unlink()
        lines = result.stdout.count("\n")
        note = " (+stderr)" if result.stderr.strip() else ""
        print(f"recorded {name}: {lines} lines{note}")
    (EXPECTED / "RECORDED.txt").write_text(
        "Recorded by tests/conformance/record.py with:\n" + info, encoding="utf-8"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
