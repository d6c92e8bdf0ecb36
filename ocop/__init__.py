"""OCOP catalog: a static site generator for the Hữu Lũng OCOP products."""

__version__ = "0.1.0"
