"""Language identification with py3langid, which ships its model inside the package."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many letters a guess is noise; we call such texts undetermined ("und").
MIN_LETTERS = 20
SAMPLE_CHARS = 1500  # the headline and first paragraphs decide; more text only costs time


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "und" when there is too little text to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return "und"
    lang, _prob = _identifier().classify(sample)
    return lang
