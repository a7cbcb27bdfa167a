"""Actor resolution: CAMEO actor codes for every person, organisation, country and group."""

from eventwire.actors.lexicon import Lexicon, default_lexicon, load_lexicon
from eventwire.actors.resolve import resolve

__all__ = ["Lexicon", "default_lexicon", "load_lexicon", "resolve"]
