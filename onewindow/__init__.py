"""OneWindow 一窗通: queue management and one-window intake for government service halls."""

__version__ = "0.1.0"
