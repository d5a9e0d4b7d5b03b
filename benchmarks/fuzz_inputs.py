"""A longer bounded fuzz run over parameter files, Trainer states and filter patterns.

    python benchmarks/fuzz_inputs.py [--cases N] [--patterns N] [--seed S] [--time-limit SECONDS]

Each case is a damaged or hostile file (byte mutations of valid files, and
structurally generated .npz / .safetensors / states files, see
``tests/engine/hostile_inputs.py``) loaded into a small model or its Trainer
under a per-case time limit. The counts are: tried, loaded, clean error,
hang, changed model, unexpected exception type; the first few unexpected
ones are printed with their traceback's last line.

Then ``--patterns`` hostile filter patterns (``tests/explorer/hostile_patterns.py``)
are matched as the tree's filter box matches them: matched, clean error
("invalid" or "too slow"), hang (longer than the budget allows), unexpected.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys
import tempfile
import time
import traceback

import numpy as onp

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "explorer"))

from tests.engine import hostile_inputs as hostile  # noqa: E402


def cases(rng, files, arrays, states, count):
    """Yield ``(generator name, kind, bytes)``, cycling through the generators."""
    generators = [
        ("mutated npz", "params", lambda: hostile.mutate(rng, files["npz"])),
        ("mutated safetensors", "params", lambda: hostile.mutate(rng, files["safetensors"])),
        ("mutated states", "states", lambda: hostile.mutate(rng, files["states"])),
        ("structured npz", "params", lambda: hostile.structured_npz(rng, arrays)),
        ("structured safetensors", "params", lambda: hostile.structured_safetensors(rng)),
        ("structured states", "states", lambda: hostile.structured_states(rng, states)),
        ("random bytes", "params", lambda: rng.bytes(int(rng.integers(0, 512)))),
    ]
    for i in range(count):
        name, kind, make = generators[i % len(generators)]
        yield name, kind, make()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--patterns", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=2.0)
    args = parser.parse_args()
    rng = onp.random.default_rng(args.seed)
    totals = collections.Counter()
    by_generator = collections.defaultdict(collections.Counter)
    unexpected = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = pathlib.Path(tmp)
        net, trainer = hostile.make_model()
        files = hostile.valid_files(net, trainer, tmp_path)
        arrays = dict(onp.load(tmp_path / "valid.params"))
        states = dict(onp.load(tmp_path / "valid.states"))
        for name, kind, blob in cases(rng, files, arrays, states, args.cases):
            outcome, err = hostile.run_case(kind, blob, net, trainer, tmp_path, args.time_limit)
            totals[outcome] += 1
            by_generator[name][outcome] += 1
            if outcome in ("unexpected", "changed", "hang") and len(unexpected) < 10:
                last = traceback.extract_tb(err.__traceback__)[-1] if err else None
                where = f"{pathlib.Path(last.filename).name}:{last.lineno}" if last else ""
                unexpected.append(
                    f"{outcome}: {name}: {type(err).__name__}: {str(err)[:120]} ({where})"
                )
    elapsed = time.perf_counter() - start
    print(
        f"tried {args.cases} cases in {elapsed:.1f} s (seed {args.seed}, "
        f"time limit {args.time_limit} s per case)"
    )
    print("  ".join(f"{o}: {totals[o]}" for o in hostile.OUTCOMES))
    for name, counter in by_generator.items():
        print(f"  {name:24s} " + "  ".join(f"{o} {counter[o]}" for o in hostile.OUTCOMES))
    for line in unexpected:
        print("  " + line)
    fuzz_patterns(rng, args.patterns)


def fuzz_patterns(rng, count: int) -> None:
    import hostile_patterns

    net = hostile_patterns.nested_net()
    totals = collections.Counter()
    findings = []
    start = time.perf_counter()
    for _ in range(count):
        pattern = hostile_patterns.random_pattern(rng)
        outcome, err = hostile_patterns.run_pattern(net, pattern)
        totals[outcome] += 1
        if outcome in ("hang", "unexpected") and len(findings) < 10:
            findings.append(f"{outcome}: {pattern[:80]!r}: {type(err).__name__}: {err}")
    print(
        f"filter patterns: tried {count} in {time.perf_counter() - start:.1f} s: "
        + "  ".join(f"{o}: {totals[o]}" for o in hostile_patterns.OUTCOMES)
    )
    for line in findings:
        print("  " + line)


if __name__ == "__main__":
    main()
