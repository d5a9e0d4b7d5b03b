"""session.initialize and session.custom_initializer: Gluon's semantics, logged code, undo.

Qt-free: the session, the worker process and the engine only.
"""

import warnings

import numpy as onp
import pytest

from engine import init, np, npx
from engine.gluon import nn
from explorer.core.init_worker import CustomInitializerError, InitializerTimeoutError
from explorer.core.initialization import TargetError, initializer_code
from explorer.core.session import Session

MY_INIT = """\
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = np.random.uniform(-10, 10, data.shape)
        data *= np.abs(data) >= 5
"""


def chapter_net():
    """The chapter's MLP after ``net.initialize()`` and one forward pass."""
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"))
    net.add(nn.Dense(10))
    net.initialize()
    net(np.random.uniform(size=(2, 20)))
    return net


def values_of(net) -> list:
    return [p.data().asnumpy().tobytes() for p in net.collect_params().values()]


@pytest.fixture
def session():
    s = Session()
    np.random.seed(0)
    s.use_net(chapter_net())
    return s


@pytest.fixture(scope="module")
def shared_worker():
    from explorer.core.init_worker import InitializerWorker

    worker = InitializerWorker()
    worker.wait_ready()
    yield worker
    worker.close()


@pytest.fixture
def custom_session(session, shared_worker):
    session._initializer_worker = shared_worker
    return session


def run_logged_code(code: str, seed: int):
    """The logged code in a fresh namespace on a fresh chapter MLP, after the same seed."""
    np.random.seed(0)
    net = chapter_net()
    namespace = {"np": np, "npx": npx, "init": init, "nn": nn, "net": net}
    np.random.seed(seed)
    exec(code, namespace)
    return net


@pytest.mark.parametrize(
    "path, initializer, override",
    [
        ("net", init.Normal(sigma=0.01), False),
        ("net", init.Constant(1), False),
        ("net", init.Constant(1), True),
        ("net[0].weight", init.Xavier(), False),
        ("net[1]", init.Constant(42), False),
        (".*weight", init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2), False),
        ("net", "msraprelu", False),
        ("net[1].weight", init.Orthogonal(scale=1.2, rand_type="normal"), False),
    ],
)
def test_logged_code_reproduces_the_values_bit_for_bit(session, path, initializer, override):
    np.random.seed(11)
    session.initialize(path, initializer, override_own=override)
    code = session.code_log[-1]
    assert values_of(run_logged_code(code, 11)) == values_of(session.net)


def test_logged_code_is_what_a_learner_types(session):
    session.initialize("net", init.Normal(sigma=0.01))
    assert session.code_log[-1] == "net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)"
    session.initialize("net[0].weight", init.Xavier())
    assert session.code_log[-1] == (
        "net[0].weight.initialize(init=init.Xavier(rnd_type="
        "'uniform', factor_type='avg', magnitude=3), "
        "force_reinit=True)"
    )
    session.initialize(".*weight", init.One())
    assert (
        session.code_log[-1]
        == "net.collect_params('.*weight').initialize(init=init.One(), force_reinit=True)"
    )


@pytest.mark.parametrize(
    "initializer",
    [
        init.Zero(),
        init.One(),
        init.Constant(0.5),
        init.Uniform(0.1),
        init.Normal(0.2),
        init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2),
        init.MSRAPrelu("out", 0.1),
        init.Orthogonal(1.0, "normal"),
        init.Bilinear(),
        init.LSTMBias(2.0),
        init.Mixed([".*bias", ".*"], [init.Zero(), init.Xavier()]),
    ],
)
def test_initializer_code_is_valid_python_giving_an_equal_initializer(initializer):
    rebuilt = eval(initializer_code(initializer), {"init": init})
    assert type(rebuilt) is type(initializer)
    assert rebuilt.dumps() == initializer.dumps()
    if isinstance(initializer, init.Mixed):
        assert [(p.pattern, i) for p, i in rebuilt.map] == [
            (p.pattern, i) for p, i in initializer.map
        ]


def test_initializer_code_of_a_numpy_scalar_argument_still_runs(session):
    session.initialize("net", init.Normal(sigma=onp.float32(0.5)))
    rebuilt = eval(
        session.code_log[-1].split("init=")[1].split(", force")[0], {"init": init, "np": onp}
    )
    assert rebuilt.sigma == onp.float32(0.5)


def test_constant_on_the_net_keeps_dense_biases_own_zeros_unless_overridden(session):
    session.initialize("net", init.Constant(1))
    assert float(session.net[0].bias.data().sum()) == 0.0
    assert float(session.net[0].weight.data().min()) == 1.0
    plan = session.plan_initialization("net", init.Constant(1))
    assert [s.path for s in plan.kept_own()] == ["net[0].bias", "net[1].bias"]
    session.initialize("net", init.Constant(1), override_own=True)
    assert float(session.net[0].bias.data().min()) == 1.0


def test_a_parameter_target_overrides_its_own_init_as_gluon_does(session):
    session.initialize("net[0].bias", init.Constant(3))
    assert float(session.net[0].bias.data().min()) == 3.0


def test_path_is_tried_before_regex_and_names_work(session):
    assert session.initialization_target("net[1]").kind == "block"
    assert session.initialization_target(session.net[0].weight.name).kind == "param"
    target = session.initialization_target(".*bias")
    assert target.kind == "pattern" and target.paths == ["net[0].bias", "net[1].bias"]
    with pytest.raises(TargetError, match="matches no parameter"):
        session.initialization_target("nothing_here")
    with pytest.raises(TargetError, match="nor a usable pattern"):
        session.initialization_target("net[(")


def test_deferred_parameters_become_pending_and_fill_at_the_next_forward():
    s = Session()
    net = nn.Sequential()
    net.add(nn.Dense(4), nn.Dense(2))
    net.initialize()
    s.use_net(net)
    s.initialize("net", init.Constant(2))
    assert net[0].weight.is_deferred
    net(np.ones((1, 3)))
    assert float(net[0].weight.data().min()) == 2.0 and float(net[0].bias.data().max()) == 0


def test_a_failure_midway_changes_nothing(session):
    before = values_of(session.net)
    stream = session.random_draw()
    # Xavier reaches the weights, then refuses the first bias (a vector).
    with pytest.raises(ValueError, match="Xavier"):
        session.initialize("net", init.Xavier(), override_own=True)
    assert values_of(session.net) == before
    assert session.random_draw() == stream
    assert not any("Xavier" in c for c in session.code_log)


def test_undo_restores_and_redo_reapplies_bit_for_bit(session):
    before = values_of(session.net)
    session.initialize("net", init.Normal(sigma=0.5))
    after = values_of(session.net)
    session.undo()
    assert values_of(session.net) == before
    session.redo()
    assert values_of(session.net) == after


def test_preview_equals_the_values_applied_from_the_same_draw(session):
    draw = session.random_draw()
    job = session.start_initialization("net", init.Xavier(), draw=draw)
    previews = job.previews()
    onp.random.default_rng().normal(size=10)  # unrelated NumPy draws do not matter
    np.random.uniform(size=(3,))  # nor engine draws after the preview: the apply rewinds
    session.initialize("net", init.Xavier(), draw=draw)
    for preview, param in zip(previews, session.net.collect_params().values()):
        applied = param.data().asnumpy()
        assert preview.values.tobytes() == applied.tobytes()


def test_seed_is_logged_and_reproduces(session):
    session.initialize("net[0]", init.Uniform(0.3), seed=5)
    assert session.code_log[-1].startswith("np.random.seed(5)\n")
    assert values_of(run_logged_code(session.code_log[-1], 999)) == values_of(session.net)


# ------------------------------------------------------------------ custom
def test_my_init_prints_in_the_console_and_the_logged_code_reproduces(custom_session):
    s = custom_session
    printed = []
    s.printed.connect(printed.append)
    my_init = s.custom_initializer(MY_INIT)
    np.random.seed(4)
    s.initialize("net", my_init)
    names = [p.name for p in s.net.collect_params().values()]
    assert "".join(printed) == f"Init {names[0]} (256, 20)\nInit {names[2]} (10, 256)\n"
    assert s.code_log[-1].endswith("net.initialize(init=MyInit(), force_reinit=True)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = run_logged_code(s.code_log[-1], 4)
    assert values_of(reference) == values_of(s.net)
    assert float(s.net[0].bias.data().sum()) == 0.0  # biases keep their own zeros


def test_custom_preview_equals_apply_and_undo_redo(custom_session):
    s = custom_session
    before = values_of(s.net)
    job = s.start_initialization("net", s.custom_initializer(MY_INIT))
    job.wait()
    previews = job.previews()
    job.apply()
    assert [p.values.tobytes() for p in previews] == values_of(s.net)
    after = values_of(s.net)
    s.undo()
    assert values_of(s.net) == before
    s.redo()
    assert values_of(s.net) == after


BROKEN = {
    "syntax": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data)\n"
        "        data[:] = 1\n",
        2,
        "SyntaxError",
    ),
    "raise": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        raise RuntimeError('no luck')\n",
        3,
        "no luck",
    ),
    "wrong shape": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        data[:] = np.ones((3, 3))\n",
        3,
        "shape",
    ),
    "nan": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        data[:] = np.log(np.zeros(data.shape) - 1)\n",
        None,
        "NaN",
    ),
    "inf": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        data[:] = 1 / np.zeros(data.shape)\n",
        None,
        "Inf",
    ),
    "not numbers": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        data[:] = 'abc'\n",
        3,
        "convert",
    ),
    "no class": ("x = 1\n", None, "defines no initializer"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_custom_initializers_say_why_and_change_nothing(custom_session, case):
    s = custom_session
    source, line, words = BROKEN[case]
    before = values_of(s.net)
    log = list(s.code_log)
    with pytest.raises(CustomInitializerError, match=words) as info:
        s.initialize("net", s.custom_initializer(source))
    assert info.value.lineno == line
    assert values_of(s.net) == before
    assert s.code_log == log


def test_an_endless_loop_is_stopped_after_the_timeout(custom_session):
    s = custom_session
    source = (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        while True:\n            pass\n"
    )
    before = values_of(s.net)
    with pytest.raises(InitializerTimeoutError, match="Stopped after 0.5 s"):
        s.initialize("net", s.custom_initializer(source), timeout=0.5)
    assert values_of(s.net) == before
    # The next job gets a fresh worker.
    s.initialize("net[0].weight", s.custom_initializer(MY_INIT))
    assert float(onp.abs(s.net[0].weight.data().asnumpy()).max()) > 5


def test_cancel_stops_the_worker_and_changes_nothing(custom_session):
    s = custom_session
    source = (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        while True:\n            pass\n"
    )
    before = values_of(s.net)
    job = s.start_initialization("net", s.custom_initializer(source), timeout=60)
    assert not job.poll(0.2)
    job.cancel()
    with pytest.raises(CustomInitializerError, match="Cancelled"):
        job.apply()
    assert values_of(s.net) == before


def test_console_waits_keep_the_window_alive_and_stop_cancels(custom_session):
    from explorer.core.user_code import RUNNER, StopRequested

    s = custom_session
    source = (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        while True:\n            pass\n"
    )
    loop_init = s.custom_initializer(source)
    before = values_of(s.net)
    pumps = []

    def pump():  # the window's processEvents, and a click on Stop at the fifth
        pumps.append(1)
        if len(pumps) == 5:
            RUNNER.request_stop()

    previous, RUNNER.pump_events = RUNNER.pump_events, pump
    try:
        with pytest.raises(StopRequested):
            RUNNER.run(lambda: s.initialize("net", loop_init, timeout=60))
    finally:
        RUNNER.pump_events = previous
    assert len(pumps) == 5
    assert values_of(s.net) == before
    assert not s.initializer_worker.alive  # killed, not left spinning
