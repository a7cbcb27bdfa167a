import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.datafiles import data_path
from eventwire.errors import DataFileError
from eventwire.events import codebook, default_patterns
from eventwire.events.code import calibrated
from eventwire.events.patterns import load_patterns


def test_codebook_has_every_code_with_its_facts():
    book = codebook()
    assert len(book) == 311
    assert book["041"].root == "04" and book["041"].quad == 1 and book["041"].pentaclass == 1
    assert book["111"].goldstein == -2.0 and book["111"].plover == "ACCUSE"
    assert book["190"].quad == 4 and book["190"].pentaclass == 4
    assert book["090"].quad == 2 and book["090"].pentaclass == 3  # where GDELT and ICEWS disagree
    assert book["016"].goldstein_icews is not None


def test_bundled_dictionary_scope():
    patterns = default_patterns()
    codes = {r.code for r in patterns.rules}
    assert len(codes) >= 200
    assert {c[:2] for c in codes} == {f"{n:02d}" for n in range(1, 21)}


def _folder(tmp_path, rules):
    (tmp_path / "rules.yaml").write_text(rules)
    (tmp_path / "intent.yaml").write_text(data_path("patterns/intent.yaml").read_text())
    return tmp_path


@pytest.mark.parametrize(("rules", "message"), [
    ('rules:\n  - {id: a, code: "999", verb: [x]}\n', r"rules\.yaml:2: unknown CAMEO code '999'"),
    ('rules:\n  - {id: a, code: "041", verb: [x], noun: [y]}\n', r"rules\.yaml:2: a rule needs exactly one"),
    ('rules:\n  - {id: a, code: "041", verb: [$NOPE]}\n', r"rules\.yaml:2: unknown synset"),
    ('rules:\n  - {id: a, code: "041", verb: [x], colour: red}\n', r"rules\.yaml:2: unknown field"),
    ('rules:\n  - {id: a, code: "041", verb: [x]}\n  - {id: a, code: "042", verb: [y]}\n', r":3: rule id 'a' already"),
    ('rules:\n  - {code: "041", verb: [x]}\n', r"rules\.yaml:2: each rule needs an 'id'"),
    ("rules: [\n", r"rules\.yaml:\d+: invalid YAML"),
])
def test_loader_rejects_bad_rules_with_file_and_line(tmp_path, rules, message):
    with pytest.raises(DataFileError, match=message):
        load_patterns(_folder(tmp_path, rules))


def test_prepositions_named_on_and_off_stay_words(tmp_path):
    patterns = load_patterns(_folder(tmp_path, 'rules:\n  - {id: a, code: "163", verb: [impose], prep: [on, off]}\n'))
    assert patterns.rules[0].preps == {"on", "off"}


def test_calibrated_confidence_is_monotone():
    values = [calibrated(x / 100) for x in range(1, 100)]
    assert values == sorted(values) and all(0 < v < 1 for v in values)


def test_patterns_command_lists_rules():
    result = CliRunner().invoke(main, ["patterns", "041"])
    assert result.exit_code == 0 and "Discuss by telephone" in result.stdout and "041" in result.stdout
    assert CliRunner().invoke(main, ["patterns", "999"]).exit_code == 2
