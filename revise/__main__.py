"""`python -m revise` runs the same command as `revise`."""

from revise.cli import main

raise SystemExit(main())
