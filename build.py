#!/usr/bin/env python3
"""Build the Hữu Lũng OCOP catalog: `python build.py [build|serve|check|new|kiosk] [options]`."""

import sys

from ocop.quick import run

if __name__ == "__main__":
    shown = run(sys.argv[1:])  # the same build as last time with nothing changed: its lines, before anything loads
    if shown is not None:
        sys.exit(shown)
    from ocop.cli import main

    sys.exit(main(checked=True))
