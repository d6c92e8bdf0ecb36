#!/usr/bin/env python3
"""Build the Hữu Lũng OCOP catalog: `python build.py [build|serve|check|new|kiosk] [options]`."""

import sys

from ocop.cli import main

if __name__ == "__main__":
    sys.exit(main())
