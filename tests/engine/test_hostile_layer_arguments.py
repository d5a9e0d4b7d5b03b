"""Bad layer arguments, inputs and parameter values: MXNet's error type with a message
that names the problem, raised where the mistake is made; nothing changed."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import init, np
from engine.base import MXNetError
from engine.gluon import Parameter, nn


def test_negative_units_are_refused_when_the_layer_is_made():
    with pytest.raises(AssertionError, match="cannot be less than -1, while received -5"):
        nn.Dense(-5)


@pytest.mark.parametrize("units", [2.5, "a", None])
def test_units_that_are_not_integers_are_refused(units):
    with pytest.raises(TypeError, match="shape dimensions must be integers"):
        nn.Dense(units)


def test_string_input_to_a_layer_is_mxnets_value_error():
    net = nn.Dense(3)
    net.initialize()
    with pytest.raises(ValueError, match="there must be one NDArray or one Symbol"):
        net("abc")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"strides": 0}, r"incorrect stride size: \[0,0\]"),
        ({"kernel_size": 0}, r"incorrect kernel size: \[0,0\]"),
        ({"dilation": (1, 0)}, r"incorrect dilate size: \[1,0\]"),
        ({"padding": -1}, r"incorrect pad size: \[-1,-1\]"),
        ({"groups": 0}, "num_group must be a positive integer"),
        ({"channels": -2}, "channels must be a non-negative integer"),
    ],
)
def test_impossible_convolution_arguments_are_mxnet_errors(kwargs, message):
    arguments = {"channels": 2, "kernel_size": 3, **kwargs}
    with pytest.raises(MXNetError, match=message):
        nn.Conv2D(**arguments)


def test_impossible_pooling_window_is_an_mxnet_error():
    with pytest.raises(MXNetError, match=r"incorrect stride size: \[0,0\]"):
        nn.MaxPool2D(pool_size=2, strides=0)


@pytest.fixture
def weight():
    layer = nn.Dense(2, in_units=2)
    layer.initialize(init.One())
    return layer.weight


@pytest.mark.parametrize(
    "values, kind",
    [
        (onp.array([[None, None], [None, None]], dtype=object), "object"),
        (onp.ones((2, 2), dtype=complex), "complex128"),
        (onp.array([["a", "b"], ["c", "d"]]), "<U1"),
    ],
)
def test_set_data_refuses_values_that_are_not_real_numbers(weight, values, kind):
    version = weight.version
    with pytest.raises(ValueError, match=f"from {kind} values: a parameter holds real numbers"):
        weight.set_data(values)
    assert weight.version == version
    assert (weight.data().asnumpy() == 1).all()


def test_set_data_before_deferred_initialization_refuses_complex():
    layer = nn.Dense(2)
    layer.initialize()
    with pytest.raises(ValueError, match="real numbers"):
        layer.weight.set_data(onp.ones((2, 3), dtype=complex))
    layer(np.ones((1, 3)))
    assert onp.isrealobj(layer.weight.data().asnumpy())


@pytest.mark.parametrize("dtype", [complex, object, "U3"])
def test_parameters_of_non_real_dtype_are_refused(dtype):
    with pytest.raises(TypeError, match="parameters hold real numbers"):
        Parameter("p", shape=(2,), dtype=dtype)
    param = Parameter("q", shape=(2,))
    param.initialize()
    with pytest.raises(TypeError, match="parameters hold real numbers"):
        param.cast(dtype)
    assert param.dtype == onp.float32


def _writing(values):
    class Writes(init.Initializer):
        def _init_weight(self, name, arr):
            arr[:] = values

    return Writes()


@pytest.mark.parametrize(
    "values",
    [
        onp.full((2, 2), None, dtype=object),
        onp.ones((2, 2), dtype=complex) * 1j,
    ],
)
def test_initializer_writing_object_or_complex_values_is_refused(values):
    layer = nn.Dense(2, in_units=2)
    with pytest.raises(ValueError, match="would be silently changed"):
        layer.initialize(_writing(values))
    assert not layer.weight.is_initialized


def test_in_place_write_of_complex_values_changes_nothing(weight):
    version = weight.version
    with pytest.raises(ValueError, match="Cannot store complex128 values in a float32 array"):
        weight.data()[:] = onp.full((2, 2), 1 + 2j)
    assert weight.version == version
