"""Typed settings stored through an injected QSettings file."""

from explorer.settings import MAX_RECENT_FILES, Settings


def test_round_trip(settings_store, tmp_path):
    settings = Settings(theme="dark", font_size=16, window_state=b"\x00\x01state")
    settings.add_recent_file(str(tmp_path / "a.py"))
    settings_store.save(settings)
    loaded = settings_store.load()
    assert loaded == settings


def test_recent_files_newest_first_without_duplicates(tmp_path):
    settings = Settings()
    for i in range(MAX_RECENT_FILES + 3):
        settings.add_recent_file(str(tmp_path / f"m{i}.py"))
    settings.add_recent_file(str(tmp_path / "m5.py"))
    assert settings.recent_files[0].endswith("m5.py")
    assert len(settings.recent_files) == MAX_RECENT_FILES
    assert len(set(settings.recent_files)) == MAX_RECENT_FILES


def test_defaults_when_nothing_is_stored(settings_store):
    assert settings_store.load() == Settings()


def test_garbage_falls_back_to_defaults(settings_store):
    settings_store.qsettings.setValue("theme", "purple")
    settings_store.qsettings.setValue("recent_files", "{not json")
    settings_store.qsettings.setValue("font_size", "huge")
    assert settings_store.load() == Settings()
