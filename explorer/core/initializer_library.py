"""The learner's saved initializers: one ``.py`` file each in a folder, kept across restarts.

The GUI passes the user's config folder (``QStandardPaths.AppConfigLocation``
+ ``initializers``); tests pass a folder in ``tmp_path``. Plain ``.py`` files,
so a learner can also edit or share them outside the app. Writes are atomic
(a temporary file renamed over the old one).
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from dataclasses import dataclass

__all__ = ["SavedInitializer", "InitializerLibrary", "class_name_of", "DEFAULT_SOURCE"]

DEFAULT_SOURCE = """\
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = np.random.uniform(-10, 10, data.shape)
        data *= np.abs(data) >= 5
"""


@dataclass(frozen=True)
class SavedInitializer:
    """One saved initializer: its name (the file's stem) and source."""

    name: str
    source: str


def class_name_of(source: str) -> str | None:
    """The name of the last class the source defines (None if it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    return names[-1] if names else None


class InitializerLibrary:
    """Saved initializers in ``folder`` (created on first save)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def names(self) -> list[str]:
        """Saved names, sorted."""
        if not os.path.isdir(self.folder):
            return []
        return sorted(f[:-3] for f in os.listdir(self.folder) if f.endswith(".py"))

    def items(self) -> list[SavedInitializer]:
        return [self.load(name) for name in self.names()]

    def load(self, name: str) -> SavedInitializer:
        with open(self._path(name), encoding="utf-8") as file:
            return SavedInitializer(name, file.read())

    def save(self, name: str, source: str) -> SavedInitializer:
        """Save (or replace) ``name``; the name must be a Python identifier."""
        path = self._path(name)
        os.makedirs(self.folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(source if source.endswith("\n") else source + "\n")
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return SavedInitializer(name, source)

    def delete(self, name: str) -> None:
        path = self._path(name)
        if os.path.exists(path):
            os.unlink(path)

    def _path(self, name: str) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name or ""):
            raise ValueError(f"{name!r} is not a usable name: use letters, digits and _")
        return os.path.join(self.folder, name + ".py")
