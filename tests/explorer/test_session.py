"""The session: the Qt-free command layer (no Qt imported here)."""

import os

import numpy as onp
import pytest

from engine import np
from engine.gluon import Block, nn
from explorer.core import examples
from explorer.core.model_loading import ModelLoadError
from explorer.core.session import Session


@pytest.fixture
def session():
    s = Session()
    s.open_example("mlp")
    return s


@pytest.mark.parametrize("example_id", [e for e in examples.EXAMPLES if e != "digits-cnn"])
def test_every_example_opens_with_known_shapes(example_id):
    s = Session()
    net = s.open_example(example_id)
    assert isinstance(net, Block)
    assert s.source == example_id
    params = list(net.collect_params().values())
    assert params and all(p.is_initialized for p in params)


def test_digits_cnn_opens_or_says_which_layers_it_needs():
    s = Session()
    s.open_example("mlp")
    before = s.net
    if examples.missing_layers("digits-cnn"):
        with pytest.raises(examples.ExampleUnavailableError, match="needs Conv2D"):
            s.open_example("digits-cnn")
        assert s.net is before
    else:
        net = s.open_example("digits-cnn")
        assert net(np.zeros((2, 1, 8, 8))).shape == (2, 10)


def test_unknown_example_lists_the_ids():
    with pytest.raises(KeyError, match="rgnet"):
        Session().open_example("resnet")


def test_select_by_access_path_and_by_name(session):
    assert session.select("net[1].bias") is session.net[1].bias
    assert session.selected_path == "net[1].bias"
    assert session.select(session.net[0].weight.name) is session.net[0].weight
    assert session.selected_path == "net[0].weight"
    assert session.select("net[0].weight.data()") is session.net[0].weight


def test_select_nested_rgnet_path():
    s = Session()
    s.open_example("rgnet")
    assert s.select("net[0][1][0].weight") is s.net[0][1][0].weight
    assert s.code_log[-1] == "net[0][1][0].weight.data()"


def test_bad_select_keeps_the_selection(session):
    session.select("net[0].weight")
    with pytest.raises(KeyError, match="net\\[7\\]"):
        session.select("net[7].weight")
    assert session.selected_path == "net[0].weight"


def test_forward_uses_the_model_files_batch(session):
    out = session.forward()
    assert out.shape == (2, 10)
    assert session.code_log[-1] == "net(x)"
    x = np.ones((3, 20))
    assert session.forward(x).shape == (3, 10)


def test_forward_resolves_deferred_shapes_of_a_new_layer(session):
    session.net.add(nn.Dense(5))
    session.net[2].initialize()
    assert session.net[2].weight.shape == (5, -1)
    session.forward()
    assert session.net[2].weight.shape == (5, 10)


def test_selection_is_logged_and_watched(session):
    from explorer.core.watcher import Watcher

    watcher = Watcher(session)
    seen = []
    watcher.selection_changed.connect(lambda p: seen.append(p))
    session.commands.changed.connect(lambda: seen.append(session.code_log[-1]))
    session.select("net[1].weight")
    assert seen == ["net[1].weight.data()"]
    watcher.poll()
    assert seen[-1] == "net[1].weight"


def test_broken_model_file_changes_nothing(session, tmp_path):
    bad = tmp_path / "broken.py"
    bad.write_text(
        "from engine.gluon import nn\nnet = nn.Sequential()\nnet.add(nn.Dense(3))\n"
        "undefined_name + 1\n"
    )
    net_before, path_before = session.net, session.selected_path
    with pytest.raises(ModelLoadError) as info:
        session.open_model(str(bad))
    assert str(info.value) == "broken.py, line 4: NameError: name 'undefined_name' is not defined"
    assert session.net is net_before and session.selected_path == path_before


def test_syntax_error_names_the_line(session, tmp_path):
    bad = tmp_path / "typo.py"
    bad.write_text("net = (\n")
    with pytest.raises(ModelLoadError, match="typo.py, line 1: SyntaxError"):
        session.open_model(str(bad))


def test_file_without_a_block_is_refused(session, tmp_path):
    empty = tmp_path / "nothing.py"
    empty.write_text("net = 42\n")
    with pytest.raises(ModelLoadError, match="defines no Block.*net` is int"):
        session.open_model(str(empty))


def test_build_function_and_printed_output(tmp_path):
    model = tmp_path / "mine.py"
    model.write_text(
        "from engine.gluon import nn\nprint('hello from the model')\n"
        "def build():\n    net = nn.Sequential()\n    net.add(nn.Dense(4))\n"
        "    return net\n"
    )
    s = Session()
    printed = []
    s.printed.connect(printed.append)
    net = s.open_model(str(model))
    assert isinstance(net[0], nn.Dense)
    assert printed == ["hello from the model\n"]
    assert s.code_log[-1].startswith("exec(open(")


def test_use_net_adopts_a_block_built_in_the_console(session):
    net = nn.Sequential()
    net.add(nn.Dense(3))
    session.use_net(net)
    assert session.net is net and session.source == "console"
    with pytest.raises(TypeError):
        session.use_net(42)


# ------------------------------------------------------- forward + backward, the code log
def test_compute_gradients_fills_every_grad_and_its_logged_code_does_the_same():
    from engine import autograd, gluon

    session = Session()
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    net.initialize()
    net(np.ones((1, 20)))
    session.use_net(net)  # no batch left by a file: a teacher task of its width
    loss = session.compute_gradients()
    assert loss.shape == (16,)
    code = session.code_log[-1]
    assert "data.teacher(num_inputs=20, num_classes=10" in code
    assert "loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()" in code
    assert "with autograd.record():\n    loss = loss_fn(net(x), y)\nloss.backward()" in code
    grads = {name: p.grad().asnumpy().copy() for name, p in net.collect_params().items()}
    assert all(onp_abs_max(g) > 0 for g in grads.values())
    # The logged code, run as a learner would in the console, gives the same gradients.
    for p in net.collect_params().values():
        p.zero_grad()
    exec(code, {"net": net, "np": np, "autograd": autograd, "gluon": gluon})
    for name, p in net.collect_params().items():
        assert (p.grad().asnumpy() == grads[name]).all(), name


def onp_abs_max(array):
    return float(abs(array).max())


def test_compute_gradients_without_class_labels_pulls_outputs_to_zero():
    s = Session()
    s.open_example("fancymlp")  # returns a scalar: no class per column
    s.compute_gradients()
    assert "L2Loss()" in s.code_log[-1] and "np.zeros_like(out)" in s.code_log[-1]
    dense = s.net.dense
    assert onp_abs_max(dense.weight.grad().asnumpy()) > 0


def test_compute_gradients_takes_a_given_batch_and_needs_a_model():
    with pytest.raises(RuntimeError, match="No model is open"):
        Session().compute_gradients()
    s = Session()
    s.open_example("mlp")
    x = np.ones((3, 20))
    y = np.array([1, 2, 3], dtype="int64")
    assert s.compute_gradients((x, y)).shape == (3,)
    assert "SoftmaxCrossEntropyLoss" in s.code_log[-1]


def test_opening_an_example_logs_its_code_which_rebuilds_the_model(session):
    assert session.code_log[0].startswith("np.random.seed(0)")
    code = session.code_log[1]
    assert code.startswith("# Examples → mlp: the code of resources/examples/mlp.py\n")
    assert "exec(" not in code and '"""' not in code
    namespace = {}
    exec(code, namespace)
    rebuilt = namespace["net"]
    assert [p.shape for p in rebuilt.collect_params().values()] == [
        p.shape for p in session.net.collect_params().values()
    ]


def test_labels_left_by_a_model_file_train_with_cross_entropy(tmp_path):
    model = tmp_path / "labelled.py"
    model.write_text(
        "from engine import np\n"
        "from engine.gluon import nn\n"
        "net = nn.Dense(3, in_units=4)\n"
        "net.initialize()\n"
        "X = np.ones((5, 4))\n"
        "y = np.array(np.arange(5) % 3, dtype='int64')\n"
    )
    s = Session()
    s.open_model(str(model))
    s.compute_gradients()
    assert "SoftmaxCrossEntropyLoss" in s.code_log[-1]
    assert float(np.abs(s.net.weight.grad()).sum()) > 0


def test_the_model_files_batch_feeds_forward_and_backward(tmp_path):
    """An Embedding's int32 batch must not be replaced by float demo data (it crashed)."""
    model = tmp_path / "embed.py"
    model.write_text(
        "from engine import np\n"
        "from engine.gluon import nn\n"
        "net = nn.Sequential()\n"
        "net.add(nn.Embedding(1000, 16), nn.Dense(3))\n"
        "net.initialize()\n"
        "X = np.array([[1, 5, 999], [0, 2, 3]], dtype='int32')\n"
    )
    s = Session()
    s.open_model(str(model))
    s.compute_gradients()
    code = s.code_log[-1]
    assert code.startswith("x = X")
    assert float(np.abs(s.net[0].weight.grad()).sum()) > 0
    s.forward()
    assert s.code_log[-1] == "x = X\nnet(x)"


def _assert_copied_log_reproduces_the_gradients(s, tmp_path):
    """Run ``s.code_script()`` in a fresh interpreter; its gradients equal the session's."""
    import subprocess
    import sys

    script = s.code_script()
    out = tmp_path / "grads.npz"
    body = script + (
        "import numpy\n"
        f"numpy.savez({str(out)!r}, **{{n: p.grad().asnumpy() "
        "for n, p in net.collect_params().items() if p.grad_req != 'null'})\n"
    )
    (tmp_path / "script.py").write_text(body)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    run = subprocess.run(
        [sys.executable, str(tmp_path / "script.py")],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    saved = onp.load(out)
    mine = {p.name: p for p in s.net.collect_params().values()}
    # Names differ (block counters run on in this process); order and values match.
    ours = [p.grad().asnumpy() for p in mine.values() if p.grad_req != "null"]
    theirs = [saved[k] for k in saved.files]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        onp.testing.assert_array_equal(a, b)
    return script


def test_copied_code_log_reproduces_the_session(tmp_path):
    """Copy all after digits-cnn and Ctrl+B runs on its own and gives the same gradients."""
    s = Session()
    s.open_example("digits-cnn")
    s.compute_gradients()
    s.execute("net[0].weight.data()[0] *= 2")
    s.compute_gradients()
    script = _assert_copied_log_reproduces_the_gradients(s, tmp_path)
    assert script.splitlines()[3].startswith("np.random.seed(0)")


def test_copied_log_of_a_new_mlp_for_the_data_makes_its_batch(tmp_path):
    # The fix "New MLP for this data" takes its batch from the training data: the
    # log said "the batch the model file left in x" and the script had no such x.
    s = Session()
    s.open_example("mlp")
    s.set_dataset("spiral", noise=0.2, seed=3)
    s.new_mlp()
    s.compute_gradients()
    assert "training examples" in s.gradient_note
    script = _assert_copied_log_reproduces_the_gradients(s, tmp_path)
    assert "x = X_train[:16]" in script


def test_an_examples_names_reach_the_console_and_leave_with_it():
    # The chapter types `rgnet[0][1][0].bias.data()` after building `rgnet`.
    s = Session()
    s.open_example("rgnet")
    s.execute("bias = rgnet[0][1][0].bias.data()")
    assert s.namespace["bias"].shape == (32,)
    assert callable(s.namespace["block1"]) and s.namespace["x"].shape == (2, 20)
    assert s.namespace["np"].__name__.startswith("engine")  # the file's imports stay out

    s.open_example("tied")
    assert "rgnet" not in s.namespace and "block1" not in s.namespace
    assert s.namespace["shared"] is s.net[1]
    s.undo()
    assert s.namespace["rgnet"] is s.net


def test_a_name_the_learner_rebound_survives_opening_another_model():
    s = Session()
    s.open_example("rgnet")
    s.execute("block1 = 7")
    s.open_example("mlp")  # defines no block1 of its own
    assert s.namespace["block1"] == 7
    assert "block2" not in s.namespace


def test_a_model_file_cannot_replace_the_consoles_own_names(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(
        "from engine.gluon import nn\n"
        "session = 'hijacked'\ninit = 3\nnet = nn.Dense(2, in_units=2)\nnet.initialize()\n"
        "helper = 42\n"
    )
    s = Session()
    s.open_model(str(path))
    assert s.namespace["session"] is s and s.namespace["init"].__name__ == "engine.initializer"
    assert s.namespace["helper"] == 42
