"""`python -m core.cli.common`: the same as the `irgroups` command."""
import sys

from core.cli.main import main

sys.exit(main())
