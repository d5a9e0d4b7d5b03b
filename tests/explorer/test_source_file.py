"""Reading learners' files: only a regular file of bounded size (no Qt)."""

import os

import pytest

from explorer.core.model_loading import ModelLoadError, load_model_file
from explorer.core.source_file import MAX_SOURCE_BYTES, SourceFileError, read_source_file


def test_a_regular_file_is_read(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("net = None  # é\n", encoding="utf-8")
    assert read_source_file(str(path)) == "net = None  # é\n"


def test_devices_fifos_and_huge_files_are_refused(tmp_path):
    with pytest.raises(SourceFileError, match="character device"):
        read_source_file("/dev/zero")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SourceFileError, match="FIFO"):
        read_source_file(str(fifo))  # returns at once: nobody has to write
    huge = tmp_path / "huge.py"
    with open(huge, "wb") as f:
        f.truncate(MAX_SOURCE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(SourceFileError, match="at most 10 MB"):
        read_source_file(str(huge))


def test_open_model_refuses_a_fifo_and_dev_zero(tmp_path):
    fifo = tmp_path / "model.py"
    os.mkfifo(fifo)
    with pytest.raises(ModelLoadError, match="FIFO"):
        load_model_file(str(fifo))
    with pytest.raises(ModelLoadError, match="character device"):
        load_model_file("/dev/zero")
