"""``python -m explorer``: the same as the ``paramscope`` command."""

import sys

from explorer.app import main

sys.exit(main())
