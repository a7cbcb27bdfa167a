"""Scoring eventwire on gold data: one reader per public gold format, one scorer per task.

Readers (`readers.py`) check a folder's layout and yield (input, gold) pairs; scorers
(`extraction.py`, `segments.py`) turn the pairs into figures; `eventwire eval` prints them.
"""

from eventwire.evaluate.extraction import ExtractionReport, score_bodies, score_snippets
from eventwire.evaluate.readers import GoldSet, LayoutError, Page, Snippets, read_aeb, read_l3s, read_trafilatura
from eventwire.evaluate.segments import SegmentsReport, score_kinds

__all__ = [
    "ExtractionReport",
    "GoldSet",
    "LayoutError",
    "Page",
    "SegmentsReport",
    "Snippets",
    "read_aeb",
    "read_l3s",
    "read_trafilatura",
    "score_bodies",
    "score_kinds",
    "score_snippets",
]
