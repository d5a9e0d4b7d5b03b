"""Hostile parameter files: a clear error, nothing read beyond what the model needs,
nothing changed. And saving: through links, never over devices, with the umask's mode."""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import threading
import zipfile

import numpy as onp
import pytest

from engine import init
from engine.gluon import nn
from engine.gluon.serialization import ParameterFileError


def mlp():
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu", in_units=20), nn.Dense(3, in_units=8))
    net.initialize(init.Normal(1.0))
    return net


def state(net):
    return [p.data().asnumpy().copy() for p in net.collect_params().values()]


def unchanged(net, before):
    return all((a == b).all() for a, b in zip(state(net), before))


def good_arrays():
    rng = onp.random.default_rng(0)
    return {
        "0.weight": rng.normal(size=(8, 20)).astype("f4"),
        "0.bias": onp.ones(8, "f4"),
        "1.weight": rng.normal(size=(3, 8)).astype("f4"),
        "1.bias": onp.ones(3, "f4"),
    }


def refused(net, path, error=(ParameterFileError, AssertionError), match=None):
    before = state(net)
    with pytest.raises(error, match=match):
        net.load_parameters(str(path))
    assert unchanged(net, before)


# --------------------------------------------------------------- item 3: not files
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.params"
    os.mkfifo(fifo)
    outcome = []

    def load():
        try:
            mlp().load_parameters(str(fifo))
        except Exception as err:  # noqa: BLE001 - the outcome is what the test checks
            outcome.append(err)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the open() so the test process can exit
        with open(fifo, "wb"):
            pass
        worker.join(timeout=5)
        pytest.fail("load_parameters blocked on a FIFO")
    assert isinstance(outcome[0], ParameterFileError)
    assert "FIFO" in str(outcome[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_device_is_refused_without_reading(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    refused(mlp(), device, ParameterFileError, "character device, not a regular file")


def test_directory_is_refused(tmp_path):
    refused(mlp(), tmp_path, ParameterFileError, "directory")


def _zip_bomb(path, shape=(1_000_000, 64)):
    # A deflated member of zeros: ~0.25 MB on disk, 256 MB when decompressed.
    header = io.BytesIO()
    onp.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": shape}
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("0.weight.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            remaining = int(onp.prod(shape)) * 4
            chunk = bytes(1 << 20)
            while remaining:
                member.write(chunk[:remaining])
                remaining -= min(remaining, len(chunk))
        for key, value in good_arrays().items():
            if key != "0.weight":
                buffer = io.BytesIO()
                onp.save(buffer, value)
                archive.writestr(key + ".npy", buffer.getvalue())


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    path = tmp_path_factory.mktemp("bomb") / "bomb.params"
    _zip_bomb(path)
    return path


def test_zip_bomb_is_refused_by_its_declared_shape_before_decompressing(zip_bomb, monkeypatch):
    assert zip_bomb.stat().st_size < 2_000_000
    read_sizes = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        blob = original(self, n)
        read_sizes.append(len(blob))
        return blob

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    refused(mlp(), zip_bomb, AssertionError, r"expected \(8, 20\) vs saved \(1000000, 64\)")
    assert sum(read_sizes) < 100_000


def test_npy_header_that_lies_about_its_size_is_refused(tmp_path):
    arrays = good_arrays()
    path = tmp_path / "lying.params"
    with zipfile.ZipFile(path, "w") as archive:
        for key, value in arrays.items():
            buffer = io.BytesIO()
            onp.save(buffer, value)
            blob = buffer.getvalue()
            if key == "0.bias":
                blob = blob[:-8]  # declares (8,) float32, holds 6 values
            archive.writestr(key + ".npy", blob)
    refused(mlp(), path, ParameterFileError, "'0.bias' declares shape")


# ------------------------------------------------ item 12: malformed containers
def _safetensors(path, header, body=b""):
    encoded = json.dumps(header).encode() if not isinstance(header, bytes) else header
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + body)
    return path


@pytest.mark.parametrize(
    "header, message",
    [
        ([1, 2, 3], "header is a JSON list"),
        ({"0.weight": [1, 2]}, "entry '0.weight' is a JSON list"),
        (
            {"0.weight": {"dtype": "F32", "shape": [8, 20], "data_offsets": ["0", "640"]}},
            "data_offsets",
        ),
        (
            {"0.weight": {"dtype": "C64", "shape": [8, 20], "data_offsets": [0, 640]}},
            "unsupported dtype",
        ),
        ({"0.weight": {"dtype": "F32", "shape": [8, -20], "data_offsets": [0, 640]}}, "shape"),
        (
            {"0.weight": {"dtype": "F32", "shape": [8, 20], "data_offsets": [0, 10**12]}},
            "outside the file",
        ),
        ({"0.weight": {"dtype": "F32", "shape": [8, 20], "data_offsets": [0, 4]}}, "spans 4 bytes"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"\xff\xfe not json", "not valid JSON"),
    ],
)
def test_malformed_safetensors_header_is_a_parameter_file_error(tmp_path, header, message):
    path = _safetensors(tmp_path / "bad.safetensors", header, bytes(640))
    refused(mlp(), path, ParameterFileError, message)


def test_safetensors_header_size_beyond_the_file_is_refused(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 2**62) + b"{}")
    refused(mlp(), path, ParameterFileError, "more than the file holds")


def test_npz_member_that_is_not_npy_is_a_parameter_file_error(tmp_path):
    path = tmp_path / "odd.params"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("0.weight", b"hello")
    refused(mlp(), path, ParameterFileError, "'0.weight' is not a .npy array")


def test_npz_member_with_damaged_npy_header_is_a_parameter_file_error(tmp_path):
    path = tmp_path / "odd.params"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("0.weight.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': <<<")
    refused(mlp(), path, ParameterFileError, "damaged .npy header")


# ----------------------------------------------------- item 5: all or nothing
@pytest.mark.parametrize(
    "bad_bias, message",
    [
        (onp.float32(1.0), r"shape incompatible expected \(3,\) vs saved \(\)"),
        (onp.array(["a", "b", "c"]), "not a real number type"),
        (onp.array([1 + 1j, 2, 3]), "not a real number type"),
        (onp.array([1e300, 0, 0]), "do not fit in float32"),
    ],
)
def test_bad_later_entry_changes_no_earlier_one(tmp_path, bad_bias, message):
    arrays = good_arrays()
    arrays["1.bias"] = bad_bias
    path = tmp_path / "partly-bad.params"
    with open(path, "wb") as stream:
        onp.savez(stream, **arrays)
    refused(mlp(), path, AssertionError, message)


def test_parameter_dict_file_with_one_wrong_shape_changes_nothing(tmp_path):
    source = nn.Sequential()
    with source.name_scope():  # parameter names start with the prefix save strips
        source.add(nn.Dense(8, activation="relu", in_units=20), nn.Dense(3, in_units=8))
    source.initialize()
    path = tmp_path / "dict.params"
    source.collect_params().save(str(path), strip_prefix=source.prefix)
    arrays = dict(onp.load(path))
    assert "." not in "".join(arrays)
    last = sorted(arrays)[-1]
    arrays[last] = onp.zeros((5, 5), "f4")
    with open(path, "wb") as stream:
        onp.savez(stream, **arrays)
    target = source  # same parameter names as in the file
    before = state(target)
    with pytest.raises(AssertionError, match="shape incompatible"):
        target.load_parameters(str(path))
    assert unchanged(target, before)
    with pytest.raises(AssertionError, match="shape incompatible"):
        target.collect_params().load(str(path), restore_prefix=source.prefix)
    assert unchanged(target, before)


# ------------------------------------------------------------- item 13: saving
def test_save_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.params"
    target.write_bytes(b"old")
    link = tmp_path / "link.params"
    link.symlink_to(target)
    net = mlp()
    net.save_parameters(str(link))
    assert link.is_symlink()
    assert sorted(onp.load(target).files) == ["0.bias", "0.weight", "1.bias", "1.weight"]


def test_save_refuses_to_replace_a_device_or_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ParameterFileError, match="FIFO"):
        mlp().save_parameters(str(fifo))
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    if os.path.exists("/dev/null"):
        with pytest.raises(ParameterFileError, match="character device"):
            mlp().save_parameters("/dev/null")
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_saved_file_gets_the_umask_mode_and_a_replaced_file_keeps_its_mode(tmp_path):
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.params"
        mlp().save_parameters(str(fresh))
        assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o644
        os.chmod(fresh, 0o640)
        mlp().save_parameters(str(fresh))
        assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o640
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["fresh.params"]


def test_empty_array_for_a_deferred_parameter_is_refused(tmp_path):
    arrays = good_arrays()
    arrays["0.weight"] = onp.zeros((8, 0), "f4")
    path = tmp_path / "empty.params"
    with open(path, "wb") as stream:
        onp.savez(stream, **arrays)
    deferred = nn.Sequential()
    deferred.add(nn.Dense(8, activation="relu"), nn.Dense(3))
    deferred.initialize()
    with pytest.raises(AssertionError, match=r"saved shape \(8, 0\) is empty"):
        deferred.load_parameters(str(path))
    assert not deferred[0].weight.is_initialized
