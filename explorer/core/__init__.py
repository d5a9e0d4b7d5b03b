"""The explorer's Qt-free core: the session and its commands, and the watcher.

Everything here runs headless (tests, ``--run`` scripts); the Qt views in
``explorer/views`` subscribe to the :class:`~explorer.core.watcher.Watcher`.
"""
