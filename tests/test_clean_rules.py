import pytest

from eventwire.clean.rules import default_rules, load_rules
from eventwire.errors import DataFileError


def test_bundled_rules_load():
    rules = default_rules()
    assert "advertisement" in rules.boilerplate_phrases
    assert rules.credit and rules.dateline and rules.headline_max_words > 0


def test_bad_regex_is_reported_with_file_and_line(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("boilerplate:\n  phrases:\n    - advertisement\n  patterns:\n    - '^(unclosed'\n")
    with pytest.raises(DataFileError, match=r"rules\.yaml:5: bad regular expression"):
        load_rules(path)


def test_invalid_yaml_is_reported_with_line(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("boilerplate:\n  phrases: [a, b\n  patterns: []\n")
    with pytest.raises(DataFileError, match=r"rules\.yaml:\d+: invalid YAML"):
        load_rules(path)


def test_unknown_section_and_wrong_types(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("adverts:\n  phrases: [x]\n")
    with pytest.raises(DataFileError, match="unknown section"):
        load_rules(path)
    path.write_text("related:\n  patterns:\n    - ''\n")
    with pytest.raises(DataFileError, match=r"rules\.yaml:3: 'related.patterns' entries must be non-empty"):
        load_rules(path)
    path.write_text("headline:\n  max_words: many\n")
    with pytest.raises(DataFileError, match=r"rules\.yaml:2: headline.max_words"):
        load_rules(path)
