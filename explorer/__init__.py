"""ParamScope's explorer: the PySide6 + pyqtgraph app over the engine.

Start it with ``paramscope`` or ``python -m explorer`` (see ``explorer.app``).
``explorer.core.session`` is the Qt-free command layer the GUI, the console and
``--run`` scripts share.
"""
