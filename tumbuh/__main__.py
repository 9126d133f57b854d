"""``python -m tumbuh`` is the same as the ``tumbuh`` command."""

import sys

from tumbuh.cli import main

if __name__ == "__main__":
    sys.exit(main())
