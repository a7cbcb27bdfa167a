"""eventwire: open, auditable event data from raw news."""

from eventwire.errors import DataFileError, EventwireError, InputError
from eventwire.model import Article, Failure, Result, Segment, Skip

__version__ = "0.1.0"

__all__ = [
    "Article",
    "DataFileError",
    "EventwireError",
    "Failure",
    "InputError",
    "Result",
    "Segment",
    "Skip",
    "__version__",
]
