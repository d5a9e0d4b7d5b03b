"""``TrainingController``: the session's training loop, blocking or on a worker thread.

Settings (data set, loss, optimizer, batch size) are plain attributes set by
the session's commands. A *run* — ``train(steps)``, ``step()``, or the steps
between ``start()`` and ``pause()`` — is one entry of the session's history:
the parameters are copied when it begins and when it ends, so undo returns
to the values before the run, and its code is a runnable training loop.

Threading
---------
``start()`` runs steps on a worker thread. Each step holds ``session.lock``
(views copy arrays under the same lock, so they never see a half-written
array); between steps the worker lets go of the lock and the GIL so the
window can take them. ``pause()`` sets a flag the worker reads between steps
and waits for the step in progress to end. The session's ``about_to_change``
event pauses training before any other command changes the model; it does
not resume by itself. A finished run is pushed on the history by the thread
that pauses it (or by :meth:`collect`, which the window's poll calls), never
by the worker: history listeners are GUI code.

A non-finite loss pauses the run by itself; :attr:`message` names the step
and the parameter where non-finite values first appeared, and the run is
recorded as two entries so that one undo returns to the last finite values.

Events
------
changed()
    Polled, not emitted: :attr:`version` increases on every step, setting or
    state change; the watcher turns that into ``training_changed``.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as onp

from engine import autograd, gluon
from engine import data as engine_data
from engine.gluon.snapshot import ParameterState

from .batch_order import BatchOrder
from .block_tree import find_node
from .curve_log import CurveLog, StepCurve
from .diagnostics import first_nonfinite_layer, layer_diagnostics, update_ratio
from .gui_priority import worker_finished, worker_running
from .handoff_lock import HandoffRLock
from .histogram_history import HistogramHistory
from .training_code import LOSSES, OPTIMIZERS, setup_code
from .training_data import TrainingData, fit_problems, load_csv, load_registered
from .training_progress import TrainingProgress
from .training_run import RunState, TrainingRun, make_loss, run_entries

__all__ = ["TrainingController", "TrainingSetupError", "TrainingRun"]

EVAL_EVERY = 10  # steps between test-loss / accuracy evaluations
DIAGNOSE_EVERY = 25  # steps between update-ratio measurements
# The selected parameter's last update (after - before) is kept at every step up to this
# many elements, and at the measured steps beyond (a copy of a 256x784 weight at every
# step cost the live run 5 % of its speed).
UPDATE_EVERY_STEP_LIMIT = 1 << 16
SMALL_MODEL = 200_000  # parameters up to which a finite checkpoint is kept every step
CHECKPOINT_EVERY_LARGE = 50
EVAL_EXAMPLES = 2000  # test examples evaluated at each evaluation (the first ones)


class TrainingSetupError(RuntimeError):
    """Training cannot start: no data, no model, or they do not fit (``fixes``: session calls)."""

    def __init__(self, message: str, fixes: list[str] | None = None) -> None:
        super().__init__(message)
        self.fixes = fixes or []


class TrainingController:
    """Settings, history and runs of one session's training (see the module docstring)."""

    def __init__(self, session) -> None:
        self.session = session
        self.data: TrainingData | None = None
        self.loss_name: str | None = None  # None: matched to the task
        self.optimizer_name = "sgd"
        self.hyperparameters: dict = {"learning_rate": 0.1}
        self.batch_size = 32
        self.seed = 0
        self.step_count = 0
        self.message = ""
        self.version = 0
        self.steps_per_second = 0.0
        self.history: dict = {}
        self.history_generation = 0  # moves when the curves are cleared or restored (not grown)
        self.update_ratios: dict[str, StepCurve] = {}  # parameter path -> (step, ratio)s
        self.last_ratios: dict[int, float] = {}
        # (param, step, after - before) of the selected parameter's last kept update
        self.last_update: tuple | None = None
        self.last_batch = None
        self._trainer = None
        self._trainer_key = None
        self.batches = BatchOrder()
        self.gradient_step = 0  # the step whose batch made the parameters' gradients
        self._gradient_source: tuple | None = None  # (loss name, batch size) of the run
        self._thread: threading.Thread | None = None
        self._pause = threading.Event()
        self._run: RunState | None = None
        self._finished: list = []
        self._finished_lock = threading.Lock()
        self.histograms = HistogramHistory()
        self.clear_history()
        # The session's lock, made fair: a view waiting to copy gets in between two steps.
        if not isinstance(session.lock, HandoffRLock):
            session.lock = HandoffRLock()
        session.about_to_change.connect(self._model_about_to_change)

    # ------------------------------------------------------------ settings
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def loss(self) -> str:
        """The loss in use: the one set, else the one matched to the data's task."""
        if self.loss_name is not None:
            return self.loss_name
        if self.data is not None and self.data.task == "regression":
            return "l2"
        return "softmax_cross_entropy"

    @property
    def epoch(self) -> float:
        """Passes over the training set so far."""
        if self.data is None or not len(self.data.X_train):
            return 0.0
        per_epoch = max(1, len(self.data.X_train) // self._effective_batch())
        return self.step_count / per_epoch

    def set_dataset(self, name: str, **options) -> TrainingData:
        data = load_registered(name, **options)
        self._use_data(data)
        return data

    def load_csv(self, path: str, target=None, **options) -> TrainingData:
        data = load_csv(path, target=target, **options)
        self._use_data(data)
        return data

    def _use_data(self, data: TrainingData) -> None:
        self.pause()
        self.data = data
        self.batches.forget()
        self._touch()

    def set_loss(self, name: str | None) -> None:
        if name is not None and name not in LOSSES:
            raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
        self.pause()
        binary = self.loss == "sigmoid_binary_cross_entropy"
        self.loss_name = name
        if (self.loss == "sigmoid_binary_cross_entropy") != binary:
            # The code log casts the labels for this loss before batching them (its data
            # part): a new epoch, in the app as in the code.
            self.batches.forget()
        self._touch()

    def set_optimizer(self, name: str, **hyperparameters) -> None:
        if name not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
        from engine import optimizer

        optimizer.create(name, **hyperparameters)  # refuses unknown or invalid settings now
        self.pause()
        self.optimizer_name = name
        self.hyperparameters = dict(hyperparameters)
        self._trainer = None
        self._touch()

    def set_batch_size(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int | onp.integer) or n < 1:
            raise ValueError(f"batch size must be a positive whole number, got {n!r}")
        self.pause()
        self.batch_size = int(n)
        self.batches.forget()
        self._touch()

    def clear_history(self) -> None:
        # (NumPy buffers, see curve_log.py; session.history gives plain lists)
        self.history = {
            "loss": CurveLog(),
            "test_loss": CurveLog(),
            "test_step": CurveLog(onp.int64),
            "accuracy": CurveLog(),
            "accuracy_step": CurveLog(onp.int64),
        }
        self.update_ratios = {}
        self.step_count = 0
        self.last_update = None
        self.histograms.snapshots = []
        self.history_generation += 1
        self._touch()

    def reset(self) -> None:
        """Forget the curves, the optimizer's state and the batch order (after re-initializing)."""
        self.pause()
        self._trainer = None
        self.batches.forget()
        self.last_batch = None
        self.last_ratios = {}
        self.message = ""
        self.clear_history()

    def _touch(self) -> None:
        self.version += 1

    # ------------------------------------------------------------- running
    def train(self, steps: int) -> list:
        """Run ``steps`` steps now, in this thread, as one history entry; the losses."""
        steps = int(steps)
        if steps < 1:
            raise ValueError(f"steps must be at least 1, got {steps}")
        self.pause()
        self._begin()
        first = len(self.history["loss"])
        try:
            for i in range(steps):
                measure = i == steps - 1 or self.step_count % DIAGNOSE_EVERY == 0
                if not self._one_step(measure=measure):
                    break
        finally:
            self._end("steps")
            self.collect()
        return self.history["loss"].view()[first:].tolist()

    def step(self) -> float | None:
        """One training step (the Step button); its loss."""
        losses = self.train(1)
        return losses[0] if losses else None

    def start(self) -> None:
        """Train on a worker thread until :meth:`pause` (Play)."""
        if self.running:
            return
        self.collect()
        self._begin()
        self._pause.clear()
        # The GUI thread gets the GIL back within 1 ms instead of 5 while the worker runs:
        # each Qt call and NumPy operation of a redraw gives it up and must get it back.
        worker_running()
        self._thread = threading.Thread(target=self._work, name="TrainingWorker", daemon=True)
        self._thread.start()
        self._touch()

    def pause(self) -> None:
        """Stop the worker after the step in progress; record the run. Does nothing when idle."""
        thread = self._thread
        if thread is not None:
            self._pause.set()
            if thread is not threading.current_thread():
                thread.join()
            self._thread = None
        self.collect()

    def collect(self) -> None:
        """Push runs the worker finished on the history (from the calling thread)."""
        with self._finished_lock:
            finished, self._finished = self._finished, []
        for run in finished:
            self.session.commands.push(run)
        if finished:
            self._touch()

    def _model_about_to_change(self) -> None:
        self.pause()

    def _work(self) -> None:
        lock = self.session.lock
        started, steps_then = time.perf_counter(), self.step_count
        try:
            while not self._pause.is_set():
                # Wait for the lock in slices: a pause requested by a thread that holds
                # the lock (console code calling pause) must not dead-lock on us.
                if not lock.acquire(timeout=0.05):
                    continue
                try:
                    if not self._one_step(
                        measure=self.step_count % DIAGNOSE_EVERY == 0, locked=True
                    ):
                        break
                finally:
                    lock.release()
                now = time.perf_counter()
                if now - started > 0.5:
                    self.steps_per_second = (self.step_count - steps_then) / (now - started)
                    started, steps_then = now, self.step_count
                lock.yield_to_waiters()  # a view waiting to copy goes first
        except BaseException as exc:  # shown in the panel; the run so far stays recorded
            self.message = f"Training stopped: {type(exc).__name__}: {exc}"
        finally:
            worker_finished()
            self._end("pause")
            self._touch()

    # --------------------------------------------------------------- a run
    def _begin(self) -> None:
        """Check everything fits, make the trainer, copy the parameters (the run's "before")."""
        session = self.session
        net = session.net
        if net is None:
            raise TrainingSetupError(
                "No model is open: open an example or build one (session.new_mlp()) first.",
                ["session.new_mlp()"],
            )
        if self.data is None:
            raise TrainingSetupError(
                "Choose a data set first, e.g. session.set_dataset('spiral').",
                ["session.set_dataset('spiral')"],
            )
        problems = fit_problems(net, self.data, self.loss)
        if problems:
            raise TrainingSetupError(
                "The data and the model do not fit:\n"
                + "\n".join(f"• {m}" + (f" Fix: {f}" if f else "") for m, f in problems),
                [f for _, f in problems if f],
            )
        with session.lock:
            if any(p.is_deferred for p in net.collect_params().values()):
                from engine import np

                shape = (2, *self.data.X_train.shape[1:])
                x = np.zeros(shape)
                session.run_command(
                    "Forward one batch (shapes become known)",
                    f"from engine import np\nnet(np.zeros({shape}))",
                    lambda: net(x),
                )
        with session.lock:
            params = [p for p in session.parameters() if p.is_initialized]
            key = (id(net), self.optimizer_name, tuple(sorted(self.hyperparameters.items())))
            if self._trainer is None or self._trainer_key != key:
                self._trainer = gluon.Trainer(
                    net.collect_params(), self.optimizer_name, dict(self.hyperparameters)
                )
                self._trainer_key = key
            if self.batches.loader is None:
                X_train, y_train = self.data.arrays()[:2]
                loader = engine_data.DataLoader(
                    engine_data.ArrayDataset(X_train, y_train),
                    self._effective_batch(),
                    shuffle=True,
                    last_batch="discard",
                    seed=self.seed,
                )
                self.batches.use(loader, self.data)
            self._loss_fn = make_loss(self.loss)
            # The Gradient column's title: each step leaves the gradient of its own batch.
            self._gradient_source = (type(self._loss_fn).__name__, self._effective_batch())
            session.gradient_note = self.gradient_note()
            self._paths = {id(n.obj): n.path for n in session.tree().walk()}
            selected, path = session.selected_parameter(), session.selected_path
            if selected is None and not self._watches_current_model():
                # Nothing selected yet (a script that opened a model: the window selects
                # its first weight only later): follow the weight it will select.
                path = session.first_weight_path()
                node = find_node(session.tree(), path) if path else None
                selected = node.obj if node is not None else None
            if selected is not None:
                self.histograms.watch(selected, path)
            if not self.histograms.snapshots:
                self.histograms.record(self.step_count, force=True)
            self.message = ""  # (before the run's "before": undo does not bring it back)
            # What each part of the set-up code was made from (see training_code.py).
            setup_keys = {
                "data": (id(self.data), id(self.batches.loader)),
                "loss": self.loss,
                "trainer": id(self._trainer),
            }
            self._run = RunState(
                self.step_count,
                [ParameterState(p) for p in params],
                params,
                setup_keys,
                self._setup_code(),
                TrainingProgress.of(self),
            )

    def _watches_current_model(self) -> bool:
        """Whether the histogram history follows a parameter of the open model."""
        param = self.histograms.param
        return param is not None and any(p is param for p in self.session.parameters())

    def _effective_batch(self) -> int:
        return max(1, min(self.batch_size, len(self.data.X_train))) if self.data else 1

    def _setup_code(self) -> dict:
        data = self.data
        cast = ""
        if self.loss == "sigmoid_binary_cross_entropy":
            cast = "y_train = y_train.astype('float32').reshape(-1, 1)"
        return setup_code(
            data.code,
            self.loss,
            self.optimizer_name,
            self.hyperparameters,
            self._effective_batch(),
            self.seed,
            cast,
        )

    def gradient_note(self, undone: bool = False) -> str:
        """What the Gradient column's title says after a training step (or after it
        was undone: the gradients stay those of its batch)."""
        loss, batch = self._gradient_source
        if undone:
            return (
                f"of {loss} on the batch of step {self.gradient_step:,} ({batch} examples), "
                "a step since undone"
            )
        return f"of {loss} on the latest training batch ({batch} examples)"

    # ------------------------------------------------------------ progress
    def progress(self) -> TrainingProgress:
        """Where training stands now, besides the parameters (what undo puts back)."""
        return TrainingProgress.of(self)

    def _one_step(self, measure: bool = False, locked: bool = False) -> bool:
        """One step; False when training must stop (non-finite loss)."""
        if not locked:
            with self.session.lock:
                return self._one_step(measure, locked=True)
        net, run = self.session.net, self._run
        X, y = self.batches.next()
        if self.loss == "sigmoid_binary_cross_entropy":
            y = y.astype("float32").reshape(-1, 1)
        self.last_batch = (X, y)
        self.gradient_step = self.step_count + 1  # the step whose batch the gradients are of
        with autograd.record(), onp.errstate(over="ignore", invalid="ignore"):
            loss = self._loss_fn(net(X), y)
        value = float(loss.asnumpy().mean())
        if not math.isfinite(value):
            self._stop_nonfinite(value)
            return False
        # (one errstate for both: entering one costs a small net's step about 1 %; a
        # divergence is reported by the NaN check, not as warnings)
        watched = self.histograms.param  # the selected parameter
        if watched is not None and not (
            watched.is_initialized and (measure or watched.data().size <= UPDATE_EVERY_STEP_LIMIT)
        ):
            watched = None
        with onp.errstate(over="ignore", invalid="ignore"):
            loss.backward()
            before = [p.data().asnumpy() for p in run.params] if measure else None
            watched_before = watched.data().asnumpy() if watched is not None else None
            self._trainer.step(X.shape[0])
            if watched is not None:
                update = watched.data().asnumpy()
                update -= watched_before
        self.step_count += 1
        self.history["loss"].append(value)
        if watched is not None:
            self.last_update = (watched, self.step_count, update)
        if measure:
            self._record_update_ratios(before)
        if self.step_count % EVAL_EVERY == 0:
            self._evaluate()
        self.histograms.record(self.step_count)
        self._checkpoint()
        self._touch()
        return True

    def update_of(self, param) -> tuple | None:
        """``(step, after - before)`` of ``param``'s last kept update, or None (none kept,
        another parameter's, or a step since undone)."""
        kept = self.last_update
        if kept is None or kept[0] is not param or kept[1] > self.step_count:
            return None
        return kept[1], kept[2]

    def _record_update_ratios(self, before: list) -> None:
        run = self._run
        for param, old in zip(run.params, before):
            ratio = update_ratio(old, param.data().asnumpy())
            self.last_ratios[id(param)] = ratio
            path = self._paths.get(id(param), param.name)
            self.update_ratios.setdefault(path, StepCurve()).append(self.step_count, ratio)

    def _checkpoint(self) -> None:
        """Keep the last finite parameter values (every step for small models)."""
        run = self._run
        size = sum(p.data().size for p in run.params)
        every = 1 if size <= SMALL_MODEL else CHECKPOINT_EVERY_LARGE
        if self.step_count % every:
            return
        states = [ParameterState(p) for p in run.params]
        if all(s.values is None or onp.isfinite(s.values).all() for s in states):
            run.checkpoint, run.checkpoint_step = states, self.step_count
            # (what the progress there needs besides the curves, which only grow: see _end)
            run.checkpoint_batches = (self.last_batch, self.batches.mark())

    def _evaluate(self) -> None:
        data = self.data
        X, y = (data.X_test, data.y_test) if len(data.X_test) else (data.X_train, data.y_train)
        X, y = X[:EVAL_EXAMPLES], y[:EVAL_EXAMPLES]
        from engine import np

        # (a diverging model's overflow shows in the curve and the NaN check, not as warnings)
        with autograd.predict_mode(), onp.errstate(over="ignore", invalid="ignore"):
            out = self.session.net(np.array(X))
            labels = np.array(y)
            if self.loss == "sigmoid_binary_cross_entropy":
                labels = np.array(y.astype(onp.float32).reshape(-1, 1))
            test_loss = float(self._loss_fn(out, labels).asnumpy().mean())
        self.history["test_loss"].append(test_loss)
        self.history["test_step"].append(self.step_count)
        if data.task == "classification":
            scores = out.asnumpy()
            predicted = (
                (scores[:, 0] > 0).astype(onp.int64)
                if scores.shape[1] == 1
                else scores.argmax(axis=1)
            )
            self.history["accuracy"].append(float((predicted == y).mean()))
            self.history["accuracy_step"].append(self.step_count)

    def _stop_nonfinite(self, value: float) -> None:
        run = self._run
        bad = next((p for p in run.params if not onp.isfinite(p.data().asnumpy()).all()), None)
        step = self.step_count + 1
        if bad is not None:
            where = (
                f"{self._paths.get(id(bad), bad.name)} first held NaN/Inf after the update "
                f"of step {self.step_count}"
            )
        else:
            layer = self._first_nonfinite_layer()
            where = "the weights were still finite: the forward pass overflowed" + (
                f" first in {layer} (output of {layer}.weight too large)" if layer else ""
            )
        run.nonfinite = {"step": step, "param": self._paths.get(id(bad)) if bad else None}
        if bad is None and run.checkpoint_step == self.step_count:
            # Nothing to undo to: the weights now are the last finite ones.
            advice = (
                f"The weights of step {self.step_count} are kept: lower the learning rate "
                "and train on, or undo the run."
            )
        else:
            finite_step = run.checkpoint_step if run.checkpoint is not None else run.first_step
            advice = f"Undo returns to the last finite values (step {finite_step})."
        self.message = f"Training paused at step {step}: the loss became {value}; {where}. {advice}"

    def _first_nonfinite_layer(self) -> str | None:
        """Access path of the first layer whose output on the last batch is NaN/Inf."""
        return first_nonfinite_layer(self.session.net, self._paths, self.last_batch[0])

    def _end(self, how: str) -> None:
        """Record the run (before → after) for the history; the pushing thread collects it."""
        run, self._run = self._run, None
        if run is None:
            return
        with self._finished_lock:
            pending = list(self._finished)
        in_effect = [*self.session.commands.in_effect(), *pending]
        progress = self.progress()
        if run.nonfinite and run.checkpoint is not None:
            last_batch, mark = run.checkpoint_batches
            # Without the optimizer's state: copying it at every step would cost a small
            # net a quarter of its speed, and past the checkpoint it may hold the
            # overflow. Undoing the divergence starts the optimizer afresh (the code
            # log then sets up a new trainer too).
            run.checkpoint_progress = progress.rewound_to(
                run.checkpoint_step,
                last_batch,
                self.batches.position_at(mark),
            )
        entries = run_entries(run, self.step_count, self.data.name, in_effect, progress)
        with self._finished_lock:
            self._finished.extend(entries)

    # --------------------------------------------------------- diagnostics
    def diagnostics(self, histograms: bool = False) -> list[dict]:
        """Per-layer rows on the last training batch with the current weights."""
        if self.last_batch is None:
            raise RuntimeError(
                "Train at least one step first: diagnostics are computed on "
                "the last training batch."
            )
        session = self.session
        with session.lock:
            paths = {id(n.obj): n.path for n in session.tree().walk()}
            X, y = self.last_batch
            # A diverged model's rows hold NaN/Inf; the panel reports the divergence itself.
            with onp.errstate(all="ignore"):
                return layer_diagnostics(
                    session.net, X, y, make_loss(self.loss), paths, self.last_ratios, histograms
                )
