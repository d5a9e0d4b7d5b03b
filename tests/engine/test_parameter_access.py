"""Parameter and ParameterDict behaviour a learner meets in the chapter, bad input included."""

from __future__ import annotations

import re
import warnings

import numpy as onp
import pytest

from engine import gluon, init, np
from engine.gluon import nn


def mlp():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    return net


def test_data_returns_the_live_array_and_writes_change_the_parameter():
    net = mlp()
    net.initialize()
    net(np.random.uniform(size=(2, 20)))
    before = net[0].weight.data().asnumpy()
    net[0].weight.data()[:] += 1
    net[0].weight.data()[0, 0] = 42
    after = net[0].weight.data().asnumpy()
    assert after[0, 0] == 42
    onp.testing.assert_allclose(after.reshape(-1)[1:], before.reshape(-1)[1:] + 1, rtol=1e-6)


def test_grad_is_zeros_of_the_weight_shape_after_initialization():
    net = mlp()
    net.initialize()
    net(np.random.uniform(size=(2, 20)))
    grad = net[0].weight.grad()
    assert grad.shape == (256, 20)
    assert float(np.abs(grad).sum()) == 0


def test_collect_params_regex_is_anchored_at_the_start():
    net = mlp()
    names = list(net.collect_params("dense0.*").keys())
    assert names == ["dense0_weight", "dense0_bias"] or all(n.startswith("dense") for n in names)
    assert all(re.match(".*weight", n) for n in net.collect_params(".*weight").keys())
    assert list(net.collect_params("weight").keys()) == []


def test_invalid_regex_raises_and_changes_nothing():
    net = mlp()
    with pytest.raises(re.error):
        net.collect_params("dense0_(")
    assert len(net.collect_params()) == 4


def test_data_before_initialize_names_the_parameter():
    net = mlp()
    with pytest.raises(RuntimeError, match="Parameter 'dense.*_weight' has not been initialized"):
        net[0].weight.data()


def test_data_while_deferred_says_to_pass_a_batch():
    net = mlp()
    net.initialize()
    with pytest.raises(gluon.DeferredInitializationError, match="pass one batch of data"):
        net[0].weight.data()
    assert net[0].weight.shape == (256, -1)
    assert repr(net[0]).startswith("Dense(-1 -> 256")


def test_set_data_with_wrong_shape_fails_and_changes_nothing():
    layer = nn.Dense(3, in_units=4)
    layer.initialize(init.Constant(0.5))
    version = layer.weight.version
    with pytest.raises(AssertionError, match="incompatible"):
        layer.weight.set_data(np.ones((4, 3)))
    assert layer.weight.version == version
    assert float(layer.weight.data().sum()) == pytest.approx(6.0)


def test_unknown_initializer_name_fails_before_anything_changes():
    layer = nn.Dense(3, in_units=4)
    layer.initialize(init.Constant(0.5))
    version = layer.weight.version
    with pytest.raises(AssertionError, match="nosuch"):
        layer.initialize("nosuch", force_reinit=True)
    assert layer.weight.version == version
    assert float(layer.weight.data().sum()) == pytest.approx(6.0)


def test_input_width_contradicting_the_weight_names_both_shapes():
    layer = nn.Dense(2, in_units=3)
    layer.initialize()
    with pytest.raises(Exception, match=r"\[2,3\].*\(2,4\)"):
        layer(np.ones((1, 4)))


def test_already_initialized_warning_and_force_reinit():
    layer = nn.Dense(2, in_units=3)
    layer.initialize(init.Constant(1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer.initialize(init.Constant(2))
    assert any("already initialized, ignoring" in str(w.message) for w in caught)
    assert float(layer.weight.data()[0, 0]) == 1
    layer.initialize(init.Constant(2), force_reinit=True)
    assert float(layer.weight.data()[0, 0]) == 2


def test_block_initializer_is_only_the_default_bias_keeps_zeros():
    net = mlp()
    net.initialize(init.Constant(1))
    net(np.ones((1, 20)))
    assert float(net[0].bias.data().sum()) == 0
    assert float(net[0].weight.data().min()) == 1


def test_custom_initializer_sees_weights_only(capsys):
    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            print("Init", name, data.shape)
            data[:] = np.random.uniform(-10, 10, data.shape)
            data *= np.abs(data) >= 5

    net = mlp()
    net.initialize(MyInit())
    net(np.ones((2, 20)))
    lines = capsys.readouterr().out.split("\n")
    assert [line for line in lines if line.startswith("Init")] == [
        f"Init {net[0].weight.name} (256, 20)",
        f"Init {net[1].weight.name} (10, 256)",
    ]
    w = net[0].weight.data().asnumpy()
    assert ((w == 0) | (onp.abs(w) >= 5)).all()


def test_tied_layers_share_one_parameter_object():
    shared = nn.Dense(8, activation="relu")
    net = nn.Sequential()
    net.add(
        nn.Dense(8, activation="relu"),
        shared,
        nn.Dense(8, activation="relu", params=shared.params),
        nn.Dense(10),
    )
    net.initialize()
    net(np.random.uniform(size=(2, 20)))
    assert net[1].weight is net[2].weight
    net[1].weight.data()[0, 0] = 100
    assert float(net[2].weight.data()[0, 0]) == 100
    assert len(net.collect_params()) == 6


def test_grad_with_grad_req_null_is_an_error():
    layer = nn.Dense(2, in_units=3)
    layer.initialize()
    layer.weight.grad_req = "null"
    with pytest.raises(RuntimeError, match="grad_req='null'"):
        layer.weight.grad()


def test_xavier_on_a_vector_is_refused():
    param = gluon.Parameter("v", shape=(5,), init=init.Xavier())
    with pytest.raises(ValueError, match="at least 2D"):
        param.initialize()


def test_constant_parameter_is_never_trained():
    class WithConstant(nn.Block):
        def __init__(self):
            super().__init__()
            self.rand_weight = self.params.get_constant("rand_weight", np.ones((2, 2)))

    block = WithConstant()
    block.initialize()
    assert block.rand_weight.grad_req == "null"
    assert repr(block.rand_weight).startswith("Constant withconstant")
    assert float(block.rand_weight.data().sum()) == 4
