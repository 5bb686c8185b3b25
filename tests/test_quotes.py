"""Quotations, speakers and excerpts on invented article texts."""

from __future__ import annotations

import pytest

from scraper.models import Quote
from scraper.understand.quotes.find import choose_excerpt, find_quotes, quote_evidence

# Each case: (article text, [(quote text, speaker), ...]) for quotes of >= 6 words.
PATTERNS = [
    pytest.param(
        '"We will keep every door open for these young men," said Representatives Jane Roe.',
        [("We will keep every door open for these young men,", "Jane Roe")],
        id="a plural title is no part of the name",
    ),
    pytest.param(
        'Mayor John Doe listened as Jane Roe said, "we will keep every door open for them."',
        [("we will keep every door open for them.", "Jane Roe")],
        id="the nearest attribution verb's subject, not the sentence's",
    ),
    pytest.param(
        'The outreach director, Jane Roe, said "we will keep every door open for them."',
        [("we will keep every door open for them.", "Jane Roe")],
        id="the name part of an appositive",
    ),
    pytest.param(
        '"We will not let this neighborhood go dark again," said Maria Delgado.',
        [("We will not let this neighborhood go dark again,", "Maria Delgado")],
        id="said-name-after",
    ),
    pytest.param(
        'Maria Delgado runs the center.\n"Every kid who walks in here gets a meal," Delgado said.',
        [("Every kid who walks in here gets a meal,", "Maria Delgado")],
        id="surname-said",
    ),
    pytest.param(
        '"The calls have dropped off since the spring," says Tomas Reyes.',
        [("The calls have dropped off since the spring,", "Tomas Reyes")],
        id="says-name",
    ),
    pytest.param(
        'Tomas Reyes leads the patrol.\n"The calls have dropped off since the spring," Reyes says.',
        [("The calls have dropped off since the spring,", "Tomas Reyes")],
        id="surname-says",
    ),
    pytest.param(
        '"Nobody in this room is beyond our help tonight," Harold Finch told the men.',
        [("Nobody in this room is beyond our help tonight,", "Harold Finch")],
        id="name-told",
    ),
    pytest.param(
        'Harold Finch spoke first.\n"We will be back next month with the same offer," Finch added.',
        [("We will be back next month with the same offer,", "Harold Finch")],
        id="surname-added",
    ),
    pytest.param(
        'In a memo, Harold Finch wrote: "The unit needs four more officers by the summer."',
        [("The unit needs four more officers by the summer.", "Harold Finch")],
        id="wrote-colon-before",
    ),
    pytest.param(
        '"Why did it take a funeral to get us all in one room?" asked Irene Castle.',
        [("Why did it take a funeral to get us all in one room?", "Irene Castle")],
        id="asked-name",
    ),
    pytest.param(
        'Irene Castle said, "This is the first time the whole block showed up."',
        [("This is the first time the whole block showed up.", "Irene Castle")],
        id="said-comma-before",
    ),
    pytest.param(
        "The shootings stopped for a while, according to Irene Castle. "
        '"We had three quiet months in a row last year," according to Castle.',
        [("We had three quiet months in a row last year,", "Irene Castle")],
        id="according-to",
    ),
    pytest.param(
        '"Today we start keeping our promises to this city," Mayor Dana Whitfield told the crowd.',
        [("Today we start keeping our promises to this city,", "Dana Whitfield")],
        id="title-mayor",
    ),
    pytest.param(
        '"Most of the young men here already know us by name," said Priya Raman, '
        "associate director of the Harbor Youth Center.",
        [("Most of the young men here already know us by name,", "Priya Raman")],
        id="appositive-after",
    ),
    pytest.param(
        '"They listened, and that is where it starts for them," Priya Raman, '
        "who has run the center since 2009, told the board.",
        [("They listened, and that is where it starts for them,", "Priya Raman")],
        id="relative-clause-before-verb",
    ),
    pytest.param(
        "Ana Ruiz met with Mayor Dana Whitfield, who has called for "
        '"a complete overhaul of how this city treats its young men."',
        [("a complete overhaul of how this city treats its young men.", "Dana Whitfield")],
        id="relative-clause-speaker",
    ),
    pytest.param(
        'Program director Marcus "Bo" Williams said the team works nights. '
        '"We go where the shootings happen, when they happen," Williams said.',
        [("We go where the shootings happen, when they happen,", "Marcus Williams")],
        id="nickname-dropped",
    ),
    pytest.param(
        '"We are asking anyone with information to come forward," said Sgt. John Smith, '
        "a spokesman for the Akron Police Department.",
        [("We are asking anyone with information to come forward,", "John Smith")],
        id="spokesman-for-department",
    ),
    pytest.param(
        '"Grace is not something you earn in this life," the Rev. Samuel Okoye said.',
        [("Grace is not something you earn in this life,", "Samuel Okoye")],
        id="title-reverend",
    ),
    pytest.param(
        '"We knocked on every door on Fifth Street twice," said Capt. Lena Hart.',
        [("We knocked on every door on Fifth Street twice,", "Lena Hart")],
        id="title-capt",
    ),
    pytest.param(
        '"The numbers tell only half of the story here," Police Chief Marcus Bell said.',
        [("The numbers tell only half of the story here,", "Marcus Bell")],
        id="title-police-chief",
    ),
    pytest.param(
        '"The numbers tell only half of the story here," said Rockford Police Captain '
        "Ellen Park, who leads the unit.",
        [("The numbers tell only half of the story here,", "Ellen Park")],
        id="title-city-police-captain",
    ),
    pytest.param(
        '"We want you alive and we want you home," Ana Ruiz said. '
        '"But the shooting stops tonight, one way or another."',
        [
            ("We want you alive and we want you home,", "Ana Ruiz"),
            ("But the shooting stops tonight, one way or another.", "Ana Ruiz"),
        ],
        id="split-sentences",
    ),
    pytest.param(
        '"What I have seen over the years," Ana Ruiz said, '
        '"is a department that finally listens to people."',
        [
            ("What I have seen over the years,", "Ana Ruiz"),
            ("is a department that finally listens to people.", "Ana Ruiz"),
        ],
        id="split-mid-sentence",
    ),
    pytest.param(
        'Capt. Lena Hart said: "We started with twelve names on a whiteboard.\n'
        '"Today every one of those twelve men has a job or a mentor."',
        [
            ("We started with twelve names on a whiteboard.", "Lena Hart"),
            ("Today every one of those twelve men has a job or a mentor.", "Lena Hart"),
        ],
        id="multi-paragraph",
    ),
    pytest.param(
        '“We can’t arrest our way out of this one," said Jon Bakker. '
        '"But we’ll be there when they are ready for help.”',
        [
            ("We can’t arrest our way out of this one,", "Jon Bakker"),
            ("But we’ll be there when they are ready for help.", "Jon Bakker"),
        ],
        id="mixed-curly-straight",
    ),
    pytest.param(
        '"If you put the gun down, we will pick you up." - Ana Ruiz',
        [("If you put the gun down, we will pick you up.", "Ana Ruiz")],
        id="dash-attribution",
    ),
    pytest.param(
        "Lena Hart grew up on the east side. “I knew every one of these corners as a kid,” "
        "she said. “Now I know their mothers.”",
        [
            ("I knew every one of these corners as a kid,", "Lena Hart"),
            ("Now I know their mothers.", "Lena Hart"),  # short, but a whole sentence
        ],
        id="pronoun-after",
    ),
    pytest.param(
        "Ana Ruiz spoke after the meeting.\n\"They are somebody's sons and somebody's "
        'fathers," she said.',
        [("They are somebody's sons and somebody's fathers,", "Ana Ruiz")],
        id="pronoun-next-paragraph",
    ),
    pytest.param(
        '"Every dollar of this grant goes to the two worst blocks," said ATF Special Agent '
        "in Charge Norma Quintero.",
        [("Every dollar of this grant goes to the two worst blocks,", "Norma Quintero")],
        id="title-with-lower-case-connector",
    ),
    pytest.param(
        '"We fixed the streetlights before we fixed anything else," Councilmember Abel '
        "Ferraro said.",
        [("We fixed the streetlights before we fixed anything else,", "Abel Ferraro")],
        id="title-councilmember",
    ),
    pytest.param(
        'Neighbor Hattie Glass watched from her porch. "The corner has been quiet since '
        'April," Glass said.',
        [("The corner has been quiet since April,", "Hattie Glass")],
        id="descriptive-noun-before-name",
    ),
    pytest.param(
        'At a forum on Monday, state Rep. Oren Maddox said the plan "spends money we '
        'do not have on a hunch."',
        [("spends money we do not have on a hunch.", "Oren Maddox")],
        id="lower-case-title-before-subject",
    ),
    pytest.param(
        'Sheriff Delia Trask summed it up at the briefing: "Nobody gets a pass for '
        'carrying a gun into a school."',
        [("Nobody gets a pass for carrying a gun into a school.", "Delia Trask")],
        id="colon-after-named-subject",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PATTERNS)
def test_quote_patterns(text: str, expected: list[tuple[str, str | None]]) -> None:
    quotes = find_quotes(text)
    assert [(q.text, q.speaker) for q in quotes] == expected
    for q in quotes:
        assert text[q.start : q.end] == q.text


def test_definite_role_resolves_to_the_named_holder() -> None:
    text = (
        "Police Chief Marcus Bell and Pastor Ana Ruiz led the call-in.\n"
        '"Every man in this room has a way out, starting tonight," the chief said.\n'
        '"We will be here when the police are gone," said a former gang member.'
    )
    assert [(q.text, q.speaker) for q in find_quotes(text)] == [
        ("Every man in this room has a way out, starting tonight,", "Marcus Bell"),
        ("We will be here when the police are gone,", None),
    ]


GENDER = (
    "Mayor Dana Whitfield opened the meeting. She thanked the families for coming.\n"
    "Chief Marcus Bell spoke next. He described the first month of the program.\n"
    '"I made a promise to these mothers that I intend to keep," she said.\n'
    '"My officers will be on these corners every single night," he said.'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            GENDER,
            [
                ("I made a promise to these mothers that I intend to keep,", "Dana Whitfield"),
                ("My officers will be on these corners every single night,", "Marcus Bell"),
            ],
            id="pronoun-gender-from-earlier-use",
        ),
        pytest.param(
            "Ms. Priya Raman and Chief Marcus Bell held the meeting.\n"
            '"Every one of them left with a phone number to call," she said.',
            [("Every one of them left with a phone number to call,", "Priya Raman")],
            id="pronoun-gender-from-honorific",
        ),
        pytest.param(
            "Deputy Chief Omar Haddad took questions.\n"
            "A resident asked about the patrols, and one woman said the block was safer.\n"
            '"My kids play outside again after dinner now," she said.',
            [("My kids play outside again after dinner now,", None)],
            id="pronoun-after-unnamed-speaker",
        ),
        pytest.param(
            "Inspector Gil Navarro said patrols would double.\n"
            "Outside the Fulton Street station, a teacher waiting for her train said "
            "she felt safer.\n"
            '"I still keep my keys between my fingers at night," she said.',
            [("I still keep my keys between my fingers at night,", None)],
            id="unnamed-speaker-mid-sentence",
        ),
        pytest.param(
            "Tacoma Rising, a youth group, ran the vigil. Tacoma police Sgt. Lena Oakes "
            "stood at the back.\n"
            '"Every one of these kids has buried a friend by now," she said.',
            [("Every one of these kids has buried a friend by now,", "Lena Oakes")],
            id="city-word-is-no-first-name",
        ),
        pytest.param(
            "Judge Ruth Calder heard the cases. Calder later spoke to reporters.\n"
            '"Most of them will never see the inside of my courtroom again," Calder said.',
            [("Most of them will never see the inside of my courtroom again,", "Ruth Calder")],
            id="surname-resolves-to-first-full-name",
        ),
        pytest.param(
            "Deputy Chief Bruno Kaczmarek led the raid.\n"
            '"We found more casings than I have ever seen in one place," Kaczmarck said.',
            [("We found more casings than I have ever seen in one place,", "Bruno Kaczmarek")],
            id="misspelled-surname",
        ),
    ],
)
def test_speaker_resolution(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(q.text, q.speaker) for q in find_quotes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '"It has been quiet on this block for months now," one woman said.',
            [("It has been quiet on this block for months now,", None)],
            id="unnamed-woman",
        ),
        pytest.param(
            '"We are reviewing the footage from all four cameras," an officer said.',
            [("We are reviewing the footage from all four cameras,", None)],
            id="unnamed-officer",
        ),
        pytest.param(
            '"The mayor has no comment on the pending lawsuit at this time," a spokesman said.',
            [("The mayor has no comment on the pending lawsuit at this time,", None)],
            id="unnamed-spokesman",
        ),
        pytest.param(
            "Mayor Ines Calloway toured the block. After the tour, a spokeswoman for "
            'Mayor Ines Calloway said "the city will pay for every camera on the street."',
            [("the city will pay for every camera on the street.", None)],
            id="unnamed-speaker-for-a-named-person",
        ),
        pytest.param(
            '"The department remains committed to transparency and accountability," '
            "the department said in a statement.",
            [("The department remains committed to transparency and accountability,", None)],
            id="organisation-common-noun",
        ),
        pytest.param(
            '"Officers responded within four minutes of the first call," '
            "the Rockford Police Department said.",
            [("Officers responded within four minutes of the first call,", None)],
            id="organisation-named",
        ),
        pytest.param(
            'Her memoir, "The Long Road Home From the River Bend," came out in May.',
            [("The Long Road Home From the River Bend,", None)],
            id="book-title",
        ),
        pytest.param(
            'The band played "Nobody Leaves This Block Without A Song" twice. '
            '"We danced until the power went out on us," said Ana Ruiz.',
            [
                ("Nobody Leaves This Block Without A Song", None),
                ("We danced until the power went out on us,", "Ana Ruiz"),
            ],
            id="title-case-song-title",
        ),
        pytest.param(
            '"We will prosecute every single one of these cases," Park said.',
            [("We will prosecute every single one of these cases,", None)],
            id="surname-never-given-in-full",
        ),
        pytest.param(
            'Officials call it a "new way of doing business," and it shows.',
            [],
            id="scare-quote-too-short",
        ),
    ],
)
def test_no_named_speaker(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(q.text, q.speaker) for q in find_quotes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "\"We grew up in the '90s on the Smiths' records and didn't care,\" said Ana Ruiz.",
            ["We grew up in the '90s on the Smiths' records and didn't care,"],
            id="straight-apostrophes",
        ),
        pytest.param(
            "“We grew up in the ’90s on the Smiths’ records and didn’t care,” said Ana Ruiz.",
            ["We grew up in the ’90s on the Smiths’ records and didn’t care,"],
            id="curly-apostrophes",
        ),
        pytest.param(
            "The ’90s were rough and the Jones’ store didn't survive them. "
            "Rock 'n' roll kept playing at O'Malley's.",
            [],
            id="apostrophes-outside-quotes",
        ),
        pytest.param(
            "“Back then it was ‘us versus them’ on every corner,” said Jon Bakker.",
            ["Back then it was ‘us versus them’ on every corner,"],
            id="nested-single-quotes",
        ),
    ],
)
def test_apostrophes_are_not_quote_marks(text: str, expected: list[str]) -> None:
    assert [q.text for q in find_quotes(text)] == expected


@pytest.mark.parametrize(
    ("text", "min_words", "expected"),
    [
        pytest.param(
            '"We like to talk first," said Ana Ruiz.',
            6,
            ["We like to talk first,"],
            id="short-complete-sentence-kept",
        ),
        pytest.param(
            'Ana Ruiz called it "a good day," and left.',
            6,
            [],
            id="short-fragment-dropped",
        ),
        pytest.param('"Not now," said Ana Ruiz.', 6, [], id="two-words-dropped"),
        pytest.param('"We like to talk first," a sign read.', 6, [], id="short-without-speaker"),
        pytest.param(
            '"We like to talk first," said Ana Ruiz.',
            3,
            ["We like to talk first,"],
            id="five-words-kept-with-lower-min",
        ),
        pytest.param(
            'Ana Ruiz said the program "has helped dozens of young men find work."',
            6,
            ["has helped dozens of young men find work."],
            id="fragment-quote",
        ),
        pytest.param(
            '"This quotation is cut off by the end of the page and',
            6,
            [],
            id="cut-off-at-end",
        ),
        pytest.param(
            '"This quotation never closes its mark in the text\nThe next paragraph is prose.',
            6,
            [],
            id="missing-closing-mark",
        ),
    ],
)
def test_which_spans_count(text: str, min_words: int, expected: list[str]) -> None:
    assert [q.text for q in find_quotes(text, min_words=min_words)] == expected


def test_pull_quote_is_returned_once() -> None:
    text = (
        '"Nobody should have to bury a child on this street again." - Ana Ruiz\n'
        "Ana Ruiz lost her son in 2015.\n"
        '"Nobody should have to bury a child on this street again," Ruiz told the men.'
    )
    quotes = find_quotes(text)
    assert len(quotes) == 1
    assert quotes[0].speaker == "Ana Ruiz"


ARTICLE = (
    "City expands violence intervention program\n"
    "By Sam Ortiz\n"
    "The city will double the size of its Group Violence Intervention team this fall, "
    "officials announced Tuesday, after a year in which shootings fell by a third.\n"
    '"That\'s what the call-ins were for," the department said.\n'
    "“It’s about winning people over one at a time,” said Commander Jane Doe, who leads "
    "the unit. “And that takes longer than anyone wants it to.”\n"
)


def test_excerpt_prefers_attributed_quote() -> None:
    quotes = find_quotes(ARTICLE)
    excerpt = choose_excerpt(ARTICLE, quotes)
    assert excerpt == (
        "“It’s about winning people over one at a time,” said Commander Jane Doe, who leads "
        "the unit."
    )


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        pytest.param(
            "Headline for the story\nBy Sam Ortiz\n"
            "The city council voted Tuesday to fund a second year of street outreach.\n"
            "More text follows here.",
            320,
            "The city council voted Tuesday to fund a second year of street outreach.",
            id="lede-skips-headline-and-byline",
        ),
        pytest.param(
            "The city council voted Tuesday to fund a second year of street outreach. "
            '"It is working," a spokesman said.',
            320,
            "The city council voted Tuesday to fund a second year of street outreach. "
            '"It is working," a spokesman said.',
            id="lede-when-no-named-speaker",
        ),
        pytest.param(
            "The city council voted Tuesday to fund a second year of street outreach "
            "workers, despite objections from two members who wanted more police.",
            60,
            "The city council voted Tuesday to fund a second year of…",
            id="lede-cut-at-word-boundary",
        ),
    ],
)
def test_excerpt_lede(text: str, max_chars: int, expected: str) -> None:
    excerpt = choose_excerpt(text, find_quotes(text), max_chars=max_chars)
    assert excerpt == expected
    assert len(excerpt) <= max_chars


def test_excerpt_long_quote_is_cut_inside_the_marks() -> None:
    text = (
        '"We are going to keep showing up at every door, every funeral, every block party '
        "and every court date until the people on this list believe that we mean what we "
        'say about helping them," said Commander Jane Doe.'
    )
    excerpt = choose_excerpt(text, find_quotes(text), max_chars=100)
    assert len(excerpt) <= 100
    assert excerpt.endswith('…" said Commander Jane Doe.')
    kept = excerpt[: excerpt.index("…")]
    assert text.startswith(kept)
    assert text[len(kept)] == " "  # cut between words


def test_excerpt_names_a_pronoun_speaker() -> None:
    text = (
        "Mayor Dana Whitfield spoke at the church on Tuesday.\n"
        '"We owe these families more than a press conference," she said.'
    )
    assert choose_excerpt(text, find_quotes(text)) == (
        '"We owe these families more than a press conference," Dana Whitfield said.'
    )


def test_quote_evidence_points_at_quotes_with_speakers() -> None:
    quotes = find_quotes(ARTICLE)
    evidence = quote_evidence(quotes)
    assert [e.label for e in evidence] == ["Jane Doe", "Jane Doe"]
    for e in evidence:
        assert e.kind == "quote"
        assert ARTICLE[e.start : e.end] == e.phrase
        assert "Doe" in e.note


def test_quote_evidence_skips_unattributed() -> None:
    quote = Quote(text="It is working for now, they say", speaker=None, start=0, end=31)
    assert quote_evidence([quote]) == []


@pytest.mark.parametrize(
    ("attribution", "speaker", "expected"),
    [
        pytest.param("said Jane Roe", "Jane Roe", 0.9, id="full name in the clause"),
        pytest.param("Roe said", "Jane Roe", 0.8, id="surname resolved"),
        pytest.param("she said", "Jane Roe", 0.65, id="pronoun resolved"),
        pytest.param("", "Jane Roe", 0.55, id="carried from a neighbouring quote"),
    ],
)
def test_speaker_confidence(attribution: str, speaker: str, expected: float) -> None:
    quote = Quote("We will keep the doors open all night", speaker, 0, 36, attribution)
    [evidence] = quote_evidence([quote])
    assert evidence.confidence == expected
