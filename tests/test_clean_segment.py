"""Line typing: the seed article as the canonical case, and each rule family on other layouts."""

import itertools

import pytest

from eventwire.clean import segment


def kinds(text, title=None):
    return [(s.kind, s.text) for s in segment(text, title=title)]


def kind_of(text, line):
    return [k for k, t in kinds(text) if t == line]


def test_seed_article_segments(seed_path):
    text = seed_path.read_text(encoding="utf-8")
    segs = segment(text)
    lines = text.split("\n")
    by_text = {s.text: s.kind for s in segs}
    for s in segs:  # offsets point into the original text
        assert text[s.start:s.end] == s.text
    assert segs[0].kind == "boilerplate" and segs[0].text == lines[0]
    assert segs[1].kind == "headline" and segs[1].text == lines[2]
    caption = next(s for s in segs if s.kind == "caption")
    assert caption.text.startswith("President Joe Biden delivers remarks")
    assert caption.text.endswith("in Washington.")
    credits = [s.text for s in segs if s.kind == "credit"]
    assert credits and all("AP Photo/Evan Vucci" in c for c in credits)
    assert "(AP Photo" not in caption.text
    related = [s.text for s in segs if s.kind == "related"]
    assert len(related) == 2 and related[0].startswith("Click to play video:")
    assert related[1].startswith("Coronavirus: South Korea")
    for line in ("Story continues below advertisement", "Sponsored content", "AdChoices"):
        assert by_text[line] == "boilerplate"
    body = [s.text for s in segs if s.kind == "body"]
    assert len(body) == 9
    assert body[0].startswith("South Korea‘s leader said Thursday")
    assert body[-1].startswith("The U.S., which stations")
    assert not any("advertisement" in b.lower() or "Click to play" in b for b in body)


def test_every_character_of_content_is_in_exactly_one_segment():
    text = "Headline here\n\nBy Jane Roe\n\nLONDON (Reuters) - The body starts here.\nAdvertisement\nMore body."
    segs = segment(text)
    for a, b in itertools.pairwise(segs):
        assert a.end <= b.start
    covered = "".join(text[s.start:s.end] for s in segs)
    assert covered.replace(" ", "") == "".join(text.split())


@pytest.mark.parametrize("line", [
    "Advertisement", "ADVERTISEMENT", "Skip Advertisement", "Article continues below advertisement",
    "Sign up for our daily newsletter to get the latest news in your inbox.",
    "Copyright 2023 The Associated Press. All rights reserved.", "© 2024 Example Media Ltd",
    "This story has been corrected to show the summit took place in August.",
    "Share this article", "Follow us on Twitter", "Facebook | Twitter | Email",
])
def test_boilerplate_lines(line):
    text = f"A headline about talks\n\nThe ministers met on Monday.\n\n{line}\n\nThey met again on Tuesday."
    assert kind_of(text, line) == ["boilerplate"]


@pytest.mark.parametrize("line", [
    "Read more: NATO leaders gather in Vilnius",
    "WATCH: Protesters fill the streets of Paris",
    "Related: Sweden completes its accession",
    "Click to watch video: 'Drills begin off the coast'",
])
def test_related_lines(line):
    text = f"A headline about talks\n\nThe ministers met on Monday.\n\n{line}\n\nThey met again on Tuesday."
    assert kind_of(text, line) == ["related"]


def test_repeated_teaser_title_is_related_but_other_text_is_not():
    text = ("Headline words here\n\nFirst body sentence.\n\nClick to play video: “Leaders meet in Seoul”\n"
            "Leaders meet in Seoul\n\nLeaders meet in Tokyo next week, officials said.")
    assert kind_of(text, "Leaders meet in Seoul") == ["related"]
    assert kind_of(text, "Leaders meet in Tokyo next week, officials said.") == ["body"]


@pytest.mark.parametrize(("line", "caption", "credit"), [
    ("Protesters march in Paris on Jan. 19, 2023. (Reuters/Pool)", "Protesters march in Paris on Jan. 19, 2023.",
     "(Reuters/Pool)"),
    ("Troops take part in drills near Pocheon. Photo: AFP", "Troops take part in drills near Pocheon.",
     "Photo: AFP"),
    ("Leaders pose for a photo at Camp David. (Photo by Jane Doe/Getty Images)",
     "Leaders pose for a photo at Camp David.", "(Photo by Jane Doe/Getty Images)"),
    ("The flag is raised in Brussels. Jane Doe/AP", "The flag is raised in Brussels.", "Jane Doe/AP"),
])
def test_captions_split_from_their_credits(line, caption, credit):
    text = f"A headline about talks\n\nThe ministers met on Monday.\n\n{line}\n\nThey met again."
    got = [(k, t) for k, t in kinds(text) if k in ("caption", "credit")]
    assert got == [("caption", caption), ("credit", credit)]


def test_caption_announced_without_credit():
    line = "FILE - Kim Jong Un inspects a missile launch in this undated photo."
    text = f"A headline about talks\n\nThe ministers met on Monday.\n\n{line}\n\nThey met again."
    assert kind_of(text, line) == ["caption"]


def test_standalone_credit_line():
    text = "A headline about talks\n\n(AP Photo/File)\n\nThe ministers met on Monday."
    assert kind_of(text, "(AP Photo/File)") == ["credit"]


@pytest.mark.parametrize(("first", "dateline"), [
    ("SEOUL, South Korea (AP) — The allies began drills.", "SEOUL, South Korea (AP) — "),
    ("WASHINGTON (Reuters) - The allies began drills.", "WASHINGTON (Reuters) - "),
    ("LONDON — The allies began drills.", "LONDON — "),
    ("Kyiv, Feb 24 (AFP) - The allies began drills.", "Kyiv, Feb 24 (AFP) - "),
])
def test_dateline_split_from_first_paragraph(first, dateline):
    text = f"Allies begin drills\n\nBy Jane Roe, Associated Press\n\n{first}\n\nSecond paragraph."
    segs = segment(text)
    assert [s.kind for s in segs] == ["headline", "byline", "dateline", "body", "body"]
    assert segs[2].text == dateline
    assert segs[3].text == "The allies began drills."


def test_no_dateline_in_ordinary_first_sentence():
    text = "Allies begin drills\n\nThe U.S. and South Korea began drills on Monday - officials said.\n"
    assert [s.kind for s in segment(text)] == ["headline", "body"]


def test_long_first_sentence_is_not_a_headline():
    text = "The ministers met on Monday in Brussels to discuss the alliance.\n\nThey met again."
    assert [s.kind for s in segment(text)] == ["body", "body"]


def test_title_from_metadata_marks_headline_even_if_it_ends_with_period():
    text = "Talks end without a deal.\n\nThe ministers met on Monday."
    assert [s.kind for s in segment(text, title="Talks end without a deal.")] == ["headline", "body"]


def test_headline_may_end_with_an_ellipsis():
    text = "'My memories of the summit...'\n\nThe former envoy recalled the talks in Hanoi."
    assert [s.kind for s in segment(text)] == ["headline", "body"]


def test_known_title_stops_headline_guessing():
    text = "Last month, the envoy unveiled a plan billed as the boldest yet\n\nIt was welcomed in Seoul."
    assert [s.kind for s in segment(text, title="Envoy unveils plan")] == ["body", "body"]


@pytest.mark.parametrize("line", [
    "January 19, 2023 9:40 PM UTC", "16 August 2020", "Thursday, Feb. 4, 2021",
    "AP Wire Service | Posted June 19, 2024 9:40 PM",
])
def test_date_lines_are_bylines(line):
    text = f"Allies begin drills\n\n{line}\n\nThe allies began drills on Monday."
    assert kind_of(text, line) == ["byline"]


def test_kicker_above_a_known_title_is_not_story():
    text = "Asia\n\nPutin and Kim sign pact\n\nThe two leaders signed a pact on Wednesday."
    assert [s.kind for s in segment(text, title="Putin and Kim sign pact")] == ["boilerplate", "headline", "body"]


@pytest.mark.parametrize(("line", "kind"), [
    ("Posted by: Suzanne | January 14, 2008 07:05 PM", "boilerplate"),
    ("(Copyright 2008 by The Associated Press. All Rights Reserved.)", "boilerplate"),
    ("Associated Press", "byline"),
    ("AFP, AP", "byline"),
    ("Washington Post Staff Writer", "byline"),
    ("Jane Roe in Seoul contributed to this report.", "byline"),
    ("POSTED: 5:09 pm EST January 10, 2008", "byline"),
    ("Chelsea's Florent Malouda (R) clashes with Everton's Phil Jagielka during the match.", "caption"),
    ("» Wie bringe ich Studierende dazu, im Hörsaal Fragen zu stellen? «", "body"),
])
def test_more_furniture_rules(line, kind):
    text = f"A headline about talks\n\nThe ministers met on Monday.\n\n{line}\n\nThey met again on Tuesday."
    assert kind_of(text, line) == [kind]


def test_long_paragraph_ending_in_a_rights_notice_stays_body():
    line = "The minister said the talks would go on. " * 12 + "All rights reserved."
    text = f"A headline about talks\n\nThe ministers met on Monday.\n\n{line}\n\nThey met again."
    assert kind_of(text, line) == ["body"]


def test_headline_part_of_a_sectioned_title():
    text = "Covic turns up heat on Schwarzer\n\nThe coach said on Monday that the keeper must improve."
    kinds = [s.kind for s in segment(text, title="Covic turns up heat on Schwarzer - Football - Sport")]
    assert kinds == ["headline", "body"]
