from datetime import date

import pytest

from eventwire.actors.lexicon import default_lexicon, load_lexicon
from eventwire.actors.people import load_people
from eventwire.errors import DataFileError


def roles(name, day):
    (person,) = default_lexicon().people.full(name)
    return person.role_at(day)


def test_trump_switches_with_the_date():
    assert roles("Donald Trump", date(2018, 6, 12))[0] == "USAGOV"
    assert roles("Donald Trump", date(2021, 2, 4))[:2] == ("USAELI", "former President")
    assert roles("Donald Trump", date(2025, 3, 1))[0] == "USAGOV"
    assert roles("Donald Trump", date(2021, 1, 19))[0] == "USAGOV"  # last full day in office


def test_other_offices_over_time():
    assert roles("Joe Biden", date(2012, 5, 1))[0] == "USAGOV"  # vice president
    assert roles("Joe Biden", date(2019, 5, 1))[0] == "USAELI"
    assert roles("Moon Jae-in", date(2021, 2, 4))[0] == "KORGOV"
    assert roles("Moon Jae-in", date(2023, 1, 1))[0] == "KORELI"
    assert roles("Kim Jong Un", date(2021, 2, 4))[0] == "PRKGOV"
    assert roles("Vladimir Putin", date(2010, 1, 1))[0] == "RUSGOV"  # prime minister then
    assert roles("Volodymyr Zelensky", date(2018, 1, 1))[0] == "UKR"  # before office: country only


def test_no_date_uses_the_latest_role_and_says_so():
    code, _title, note = roles("Donald Trump", None)
    assert code == "USAGOV" and "latest role" in note


def test_dictionary_scope():
    people = default_lexicon().people
    countries = {r.code[:3] for p in people.persons for r in p.roles}
    assert len(countries - {"IGO"}) >= 60
    assert any(r.code.startswith("IGOUNO") for p in people.persons for r in p.roles)
    assert people.surname("Zelensky") and people.surname("Zelenskyy")


def _write(tmp_path, text, name="people-x.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("- name: A B\n  roles:\n    - XXXGOV 2001-01-01.. President\n", r"people-x\.yaml:3: unknown actor code 'XXXGOV'"),
    ("- name: A B\n  roles:\n    - USAGOV 2001-13-01.. President\n", r"people-x\.yaml:3: not a date"),
    ("- name: A B\n  roles:\n    - USAGOV 2001-01-01..2000-01-01 President\n", r":3: role ends .* before it starts"),
    ("- name: A B\n  roles:\n    - USAGOV from 2001 President\n", r":3: role must read 'CODE FROM..UNTIL Title'"),
    ("- name: A B\n  roles: []\n", r":1: 'A B' has no roles"),
    ("- name: A B\n  title: x\n  roles:\n    - USAGOV 2001-01.. P\n", r":1: unknown field\(s\) title"),
    ("- name: A B\n  roles:\n    - USAGOV 2001-01.. P\n- name: A  B\n  roles:\n    - USAGOV 2002-01.. P\n",
     r":4: 'A  B' is already listed at .*:1"),
])
def test_loader_errors_name_file_and_line(tmp_path, text, message):
    with pytest.raises(DataFileError, match=message):
        load_people([_write(tmp_path, text)])


def test_user_file_extends_and_adds(tmp_path, monkeypatch):
    extra = _write(tmp_path, "- name: Jane Q. Envoy\n  short: [Envoy]\n  roles:\n    - FRAGOV 2030-01-01.. Minister\n"
                             "- name: Joe Biden\n  roles:\n    - USAELI 1970-01-01..1973-01-03 Councillor\n")
    lexicon = load_lexicon([extra])
    (jane,) = lexicon.people.full("Jane Q. Envoy")
    assert jane.role_at(date(2031, 1, 1))[0] == "FRAGOV"
    (biden,) = lexicon.people.full("Joe Biden")
    assert biden.roles[0].title == "Councillor" and len(biden.roles) > 2
    with pytest.raises(DataFileError, match="no such actor file"):
        load_lexicon([tmp_path / "missing.yaml"])
