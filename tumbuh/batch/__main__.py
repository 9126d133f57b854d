"""``python -m tumbuh.batch ...`` runs ``tumbuh zscore ...``."""

import sys

from tumbuh.batch.zscore import main

sys.exit(main())
