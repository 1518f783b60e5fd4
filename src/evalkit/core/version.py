"""evalkit's version (the package facade re-exports it as ``evalkit.__version__``)."""

__version__ = "0.1.0"
