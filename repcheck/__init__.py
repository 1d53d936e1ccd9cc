"""RepCheck: a training journal and offline video form checker for barbell lifters."""

__version__ = "0.1.0"
