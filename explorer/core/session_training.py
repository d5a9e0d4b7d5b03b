"""Training from the training panel, the console and ``--run`` scripts, as session commands.

Thin delegations to :class:`~explorer.core.training.TrainingController`."""

from __future__ import annotations

from engine import np

from .model_loading import LoadedModel


class TrainingCommands:
    """The session's training commands (mixed into ``Session``)."""

    # Thin delegations to explorer/core/training*.py (see TrainingController).
    def set_dataset(self, name: str, **options):
        """Train on a registered engine data set (``'spiral'``, ``'teacher'``, ...).

        ``options`` go to its generator: ``noise``, ``test_fraction``, ``seed``,
        ``num_examples``. Returns the :class:`TrainingData`.
        """
        return self.training.set_dataset(name, **options)

    def load_csv(self, path: str, target=None, **options):
        """Train on a numeric CSV table (header row); the task is inferred and reported."""
        data = self.training.load_csv(path, target=target, **options)
        self.printed.emit(data.describe() + "\n")
        return data

    def set_loss(self, name: str | None = None) -> None:
        """``'softmax_cross_entropy'``, ``'l2'``, ``'l1'``, ``'sigmoid_binary_cross_entropy'``;
        None matches the data's task."""
        self.training.set_loss(name)

    def set_optimizer(self, name: str, **hyperparameters) -> None:
        """``'sgd'``, ``'nag'``, ``'adam'``, ``'rmsprop'``, ``'adagrad'`` with
        ``learning_rate``, ``momentum``, ``wd``, ..."""
        self.training.set_optimizer(name, **hyperparameters)

    def set_batch_size(self, n: int) -> None:
        self.training.set_batch_size(n)

    def train(self, steps: int) -> list:
        """Train ``steps`` steps now (blocking; one undoable entry). Returns their losses."""
        return self.training.train(steps)

    def start_training(self) -> None:
        """Train on a worker thread until :meth:`pause_training` (or a change to the model)."""
        self.training.start()

    def pause_training(self) -> None:
        """Pause after the step in progress; the run so far is one undoable entry."""
        self.training.pause()

    def step(self):
        """One training step; its loss."""
        return self.training.step()

    def reset_training(self) -> None:
        """Re-initialize every parameter with its current initializer and forget the curves."""
        from .training_reset import reset_work

        self.training.pause()
        work, code, params = reset_work(self)
        progress = self.training.progress()

        def reset_and_forget():
            work()
            self.training.reset()  # (inside the command: undo brings the curves back too)

        self.run_command(
            "Reset training (re-initialize)", code, reset_and_forget, params, progress=progress
        )

    @property
    def history(self) -> dict:
        """Per-step ``loss``; ``test_loss``/``test_step``, ``accuracy``/``accuracy_step``."""
        self.training.collect()
        # Plain lists, made when asked (the training keeps them in NumPy buffers).
        return {key: curve.tolist() for key, curve in self.training.history.items()}

    def diagnostics(self, histograms: bool = False) -> list[dict]:
        """One row per layer in forward order, on the last training batch (see diagnostics.py)."""
        return self.training.diagnostics(histograms)

    def set_histogram_interval(self, steps: int) -> None:
        """Snapshot the selected parameter's histogram every ``steps`` training steps."""
        self.training.histograms.set_interval(steps)

    def compare_initializers(
        self, initializers: dict | None = None, steps: int = 200, seed: int = 0
    ) -> list:
        """Train copies of ``net`` from each initializer (``{label: init}``) on the same data
        and batches; the open model is not touched. Returns ``ComparisonResult`` per label."""
        from .init_comparison import DEFAULT_CHOICES, compare_initializers

        chosen = initializers or {k: DEFAULT_CHOICES[k]() for k in ("Xavier", "Normal(1)")}
        return compare_initializers(self, chosen, steps, seed)

    def new_mlp(self, hidden=(16, 16), activation: str = "tanh", init=None):
        """Open a fresh MLP sized for the training data (the fix for an input mismatch)."""
        from .training_model import build_mlp

        data = self.training.data
        if data is None:
            raise RuntimeError("Choose a data set first (session.set_dataset('spiral')).")
        net, code = build_mlp(data.input_width, data.output_width, tuple(hidden), activation, init)
        sample = [np.array(a[:16]) for a in (data.X_train, data.y_train)]
        # Its batch is the data's first 16 examples; the logged code makes them, so the
        # copied log's Forward + backward runs on the same batch.
        code = f"{code}\nfrom engine import data\n{data.code}"
        self._adopt(
            LoadedModel(
                net,
                f"MLP for {data.name}",
                demo_input=sample[0],
                demo_labels=sample[1],
                demo_names=("X_train[:16]", "y_train[:16]"),
            ),
            f"MLP for {data.name}",
            code,
        )
        return net

    def add_output_layer(self, units: int | None = None) -> None:
        """Add ``Dense(units)`` (default: what the data needs) after the last layer."""
        from .training_model import output_layer_work

        data = self.training.data
        units = units if units is not None else (data.output_width if data else 1)
        work, code = output_layer_work(self.net, int(units))
        self.run_command(f"Add an output layer Dense({units})", code, work)
