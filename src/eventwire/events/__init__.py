"""Event coding: CAMEO/PLOVER events with source, target, flags and evidence."""

from eventwire.events.code import code_events
from eventwire.events.codebook import codebook
from eventwire.events.patterns import default_patterns

__all__ = ["code_events", "codebook", "default_patterns"]
