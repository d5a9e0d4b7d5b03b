"""Explorer tests run on Qt's offscreen platform, with settings in a temporary file."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def settings_store(tmp_path):
    """A SettingsStore on an INI file in tmp_path (never the user's settings)."""
    from PySide6.QtCore import QSettings

    from explorer.settings import SettingsStore

    return SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, settings_store):
    """The main window on the default demo (the chapter's MLP, first weight selected)."""
    from explorer.core.session import Session
    from explorer.main_window import MainWindow

    session = Session()
    win = MainWindow(session, settings_store, restore_layout=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    assert win.open_example("mlp")
    assert win.select("net[0].weight")
    win.show()
    qtbot.waitExposed(win)
    return win
