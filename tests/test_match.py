"""Program tags and relevance on invented stories (no third-party text)."""

from __future__ import annotations

import pydantic
import pytest

from scraper.config.vocab import ProgramSpec, default_cities, default_keywords, default_programs
from scraper.text.segment import Phrase, paragraph_spans, sentence_spans
from scraper.understand.tags.programs import judge_relevance, match_programs

GVI = "Group Violence Intervention"
DMI = "Drug Market Intervention"
IPVI = "Intimate Partner Violence Intervention"
PSN = "Project Safe Neighborhoods"
NI = "National Initiative for Building Community Trust and Justice"
REC = "Reconciliation"
SO = "Support and Outreach"

FILLER = (
    "The marching band rehearsed its halftime show under the stadium lights while parents "
    "sold lemonade and raffle tickets near the bleachers. "
) * 30

CASES = [
    pytest.param(
        "Dunmore police held their first Group Violence Intervention meeting on Monday.",
        "",
        [GVI],
        id="full name",
    ),
    pytest.param(
        "The city joined Group Violence Intervention last year.\n\nGVI staff met on Friday.",
        "",
        [GVI],
        id="acronym after the long form",
    ),
    pytest.param(
        "The GVI team told the police chief that gun violence fell by a third.",
        "",
        [GVI],
        id="acronym near context words",
    ),
    pytest.param(
        "Shares of GVI rose 3 percent on the stock exchange after strong quarterly earnings.",
        "",
        [],
        id="acronym without context",
    ),
    pytest.param(
        "Gamers said PSN was down for hours on Saturday night.",
        "",
        [],
        id="PSN the game network",
    ),
    pytest.param(
        "Prosecutors said PSN grants will pay for two new gun crime investigators.",
        "",
        [PSN],
        id="PSN near prosecutors and grants",
    ),
    pytest.param(
        "Ceasefire talks between Israel and Hamas resumed in Cairo. A ceasefire deal "
        "would free hostages, mediators said.",
        "Gaza truce talks resume",
        [],
        id="war ceasefire",
    ),
    pytest.param(
        "Violence interrupters from Cure Violence walked the corners. The Ceasefire crew "
        "handed out flyers about the anti-violence program.",
        "",
        [],
        id="Cure Violence ceasefire",
    ),
    pytest.param(
        "Operation Ceasefire invited 20 young men to a call-in at city hall.\n\n"
        "Elsewhere, the county funds Cure Violence and its violence interrupters.",
        "",
        [GVI],
        id="exclusion spares an unrelated sentence",
    ),
    pytest.param(
        "Police call it focused deterrence. At the next call-in, group members will hear "
        "that the shooting must stop.",
        "",
        [GVI],
        id="two focused-deterrence cues",
    ),
    pytest.param(
        "Researchers have long debated focused deterrence in criminology journals.",
        "",
        [],
        id="one cue is not enough",
    ),
    pytest.param(
        "Call in tips to the hotline, police said after the burglary.",
        "",
        [],
        id="call in as a verb",
    ),
    pytest.param(
        "The Offender Focused Domestic Violence Initiative uses focused deterrence: abusers "
        "are called in and told the next assault will be prosecuted.",
        "",
        [IPVI],
        id="domestic violence focused deterrence is IPVI",
    ),
    pytest.param(
        "Police want to close open-air drug markets on Vine Street. The plan is modeled on "
        "the one in High Point, where dealers got a second chance.",
        "",
        [DMI, SO],
        id="High Point drug-market model",
    ),
    pytest.param(
        "The drug court gives addicts treatment instead of jail, Judge Ray Omondi said.",
        "",
        [],
        id="drug court is not DMI",
    ),
    pytest.param(
        "The summer camp offers job training and social services to teenagers.",
        "",
        [],
        id="services without a program",
    ),
    pytest.param(
        "At the Group Violence Intervention call-in, outreach workers offered job training "
        "and housing help to every man in the room.",
        "",
        [GVI, SO],
        id="services within a program",
    ),
    pytest.param(
        "The Intimate Partner Violence Intervention warns abusers. Advocates offer "
        "counseling and shelter to the victims.",
        "",
        [IPVI],
        id="victim services are not outreach",
    ),
    pytest.param(
        "Brookfield is a pilot site of the National Initiative for Building Community Trust "
        "and Justice, which studies procedural justice and racial reconciliation.",
        "",
        [NI],
        id="National Initiative with its pillars",
    ),
    pytest.param(
        "Officers took a day of procedural justice training on implicit bias.",
        "",
        [],
        id="procedural justice alone is no National Initiative",
    ),
    pytest.param(
        "The chief opened the first reconciliation session and acknowledged past police "
        "harm done to the east side.",
        "",
        [REC],
        id="reconciliation session",
    ),
    pytest.param(
        FILLER + "Before the game, an usher mentioned Project Safe Neighborhoods.",
        "Band wins regional title",
        [],
        id="name-drop late in a long story",
    ),
    pytest.param(
        "Project Safe Neighborhoods paid for the new gun unit. " + FILLER,
        "",
        [PSN],
        id="same name in the lede of a long story",
    ),
    pytest.param(
        "Hillsdale council passes budget\n\nThe Hillsdale council approved a budget on "
        "Monday that adds a fire truck and repaves four miles of road.\n\n"
        "The vote was 5-2 after a long debate over trash fees and the library.\n\n"
        "The sheriff's budget is flat; it keeps paying into Project Safe Neighborhoods.\n\n"
        "The budget takes effect in January.",
        "Hillsdale council passes budget",
        [],
        id="name-drop past the lede of a short story",
    ),
    pytest.param(
        "Chief speaks to residents\n\nBy Lee Ortega\n\n"
        "In a school gym on the north side, a police chief stood before sixty residents on "
        "Monday and read a letter about the department's past.\n\n"
        '"This department hurt this neighborhood for a long time," Chief Ana Beltran said.\n\n'
        "It was the first of the city's reconciliation sessions, which continue monthly.\n\n"
        "Some residents stood and spoke about arrests decades ago; others left early. "
        "A retired teacher said she came because her brother never got an answer.\n\n"
        "Officers at the session were told to listen for an hour before saying anything, "
        "and most of them did. The next meeting is at the east side library.",
        "Chief speaks to residents",
        [REC],
        id="a lone name before the middle of a short story counts",
    ),
    pytest.param(
        "Police held a call-in for twelve men on Monday, and the next call-in is in May.\n\n"
        "The chief said shootings fell by a third last year in the two neighborhoods.\n\n"
        "Residents spoke at the meeting.\n\n"
        "A Project Safe Neighborhoods grant pays for the outreach staff.",
        "",
        [GVI, PSN],
        id="a late name in a story about another program counts",
    ),
    pytest.param(
        "Buyers say the High Point model of year-round showrooms is fading. The High "
        "Point showroom model was built for a world without online orders.",
        "Furniture makers rethink the High Point model",
        [],
        id="a High Point model without drugs is no DMI",
    ),
    pytest.param(
        "Police warned the men at a call-in that the next shooting would bring charges on "
        "the whole group, the focused deterrence message. A union local offered apprenticeships to any of them who asked.",
        "",
        [GVI, SO],
        id="apprenticeships offered to the men",
    ),
    pytest.param(
        "Under the National Initiative for Building Community Trust and Justice, the "
        "sheriff read a statement acknowledging the harm his deputies had done for decades.",
        "",
        [NI, REC],
        id="acknowledged harm by deputies",
    ),
    pytest.param(
        "Officers will now warn repeat abusers in person under the Intimate Partner Violence "
        "Intervention. Victims will be paired with a volunteer advocate who can help with "
        "transportation, rent and emergency housing.",
        "",
        [IPVI],
        id="help with housing for victims through an advocate is no outreach",
    ),
    pytest.param(
        "The Drug Market Intervention closed the corner market in 2011. Several of the "
        "sellers took help at the meeting with jobs and drug treatment, and a case manager "
        "still checks on them.",
        "",
        [DMI, SO],
        id="help with jobs and drug treatment for the sellers is outreach",
    ),
    pytest.param(
        "Under its group violence intervention, the city warns crews at call-ins. Last year "
        "the chief stood in a church and admitted what his department had done to the east "
        "side for decades. The gesture was meant as a first step toward reconciliation with "
        "officers. Later a department lieutenant apologized to one family by name.",
        "",
        [GVI, REC],
        id="an apology and reconciliation with officers, without the word police",
    ),
    pytest.param(
        "Council members pressed the police chief on the budget reconciliation bill. The "
        "chief apologized for the late overtime report.",
        "",
        [],
        id="budget reconciliation is no racial reconciliation",
    ),
    pytest.param(
        "The chief apologized to the family after the wrong-door raid. Two officers "
        "apologized too, and the department paid for the broken door.",
        "",
        [],
        id="apologies for one raid without reconciliation wording are no reconciliation",
    ),
    pytest.param(
        "Detroit's group violence intervention held its fourth call-in on Monday. It is not "
        "the city's street outreach program, whose violence interrupters mediate feuds on "
        "the east side.",
        "",
        [GVI],
        id="a violence-interrupter program's street outreach is not the strategy's outreach",
    ),
    pytest.param(
        "Detroit's group violence intervention held its fourth call-in on Monday. Outreach "
        "workers offered the men job training the same night.",
        "",
        [GVI, SO],
        id="outreach workers offering job training at a call-in are outreach",
    ),
]


@pytest.mark.parametrize(("text", "headline", "expected"), CASES)
def test_match_programs(text: str, headline: str, expected: list[str]) -> None:
    tags, evidence = match_programs(text, headline=headline, programs=default_programs())
    assert tags == expected
    # Evidence also covers suggestions (a name-drop in passing), below the threshold.
    assert {e.label for e in evidence if (e.confidence or 0) >= 0.5} == set(expected)
    assert all(e.confidence is not None for e in evidence)
    for ev in evidence:
        source = headline if ev.field == "headline" else text
        assert source[ev.start : ev.end] == ev.phrase
        assert ev.kind == "program"


def test_custom_program_from_config() -> None:
    spec = ProgramSpec(name="Street Peace", aliases=["Street Peace Project"], acronyms=["SPP"])
    tags, _ = match_programs(
        "The Street Peace Project hired ten mentors; SPP starts in May.", programs=[spec]
    )
    assert tags == ["Street Peace"]


RELEVANCE = [
    pytest.param(
        "Mayor Ana Ruiz spoke first.\n\nThen 30 men came to the call-in. Police said the "
        "next call-in is in June.",
        True,
        "mentions Group Violence Intervention ('the call-in' in paragraph 2)",
        id="program with paragraph",
    ),
    pytest.param(
        "Criminologist David Kennedy told the council that shootings cluster in few groups.",
        True,
        "mentions keyword 'David Kennedy' (in paragraph 1)",
        id="keyword",
    ),
    pytest.param(
        "The bakery on Elm Street won a prize for its rye bread.",
        False,
        "no program or keyword found",
        id="nothing",
    ),
    pytest.param(
        "Violence interrupters with Cure Violence said the Ceasefire program pays them.",
        False,
        "only excluded mentions",
        id="only excluded mentions",
    ),
    pytest.param(
        "Chicago CeaseFire workers rushed to the hospital, where violence interrupters "
        "calmed the crowd.",
        False,
        "no program found, only excluded names: 'Chicago CeaseFire'",
        id="Cure Violence story",
    ),
    pytest.param(
        FILLER + "An usher mentioned Project Safe Neighborhoods.",
        False,
        "mentions Project Safe Neighborhoods only in passing",
        id="only in passing",
    ),
    pytest.param(
        "The county fair opens Friday with a new rodeo arena and a petting zoo.\n\n"
        "Organisers expect forty thousand visitors over the ten days of the fair.\n\n"
        "Deputies will patrol the midway, as Project Safe Neighborhoods volunteers did.",
        False,
        "mentions Project Safe Neighborhoods only in passing",
        id="only in passing in a short story",
    ),
]


@pytest.mark.parametrize(("text", "relevant", "reason_start"), RELEVANCE)
def test_judge_relevance(text: str, relevant: bool, reason_start: str) -> None:
    programs = default_programs()
    tags, evidence = match_programs(text, programs=programs)
    got, reason, rel_evidence = judge_relevance(
        text,
        programs_found=tags,
        keywords=default_keywords(),
        evidence=evidence,
        programs=programs,
    )
    assert got is relevant
    assert reason.startswith(reason_start)
    for ev in rel_evidence:
        assert text[ev.start : ev.end] == ev.phrase
        assert ev.kind == "relevance"


def test_relevance_finds_its_own_evidence() -> None:
    text = "The Drug Market Intervention closed three corners in a month."
    ok, reason, evidence = judge_relevance(text, programs_found=[DMI])
    assert ok
    assert reason == f"mentions {DMI} ('Drug Market Intervention' in paragraph 1)"
    assert evidence[0].phrase == "Drug Market Intervention"


def test_default_taxonomy_names() -> None:
    assert [p.name for p in default_programs()] == [GVI, DMI, IPVI, PSN, NI, REC, SO]
    assert {c.name for c in default_cities()} >= {"York, PA", "New Orleans, LA"}


@pytest.mark.parametrize(
    ("model", "data"),
    [
        pytest.param(ProgramSpec, {"name": "X", "alias": ["y"]}, id="program typo"),
        pytest.param(ProgramSpec, {"name": "X", "cue_threshold": -1}, id="negative threshold"),
    ],
)
def test_vocabulary_models_reject_bad_keys(model: type[pydantic.BaseModel], data: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(pydantic.ValidationError):
        model.model_validate(data)


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        pytest.param("call-in", "the first Call In began", ["Call In"], id="case and hyphen"),
        pytest.param("call-in", "two call-ins", ["call-ins"], id="plural"),
        pytest.param(
            "model* ... High Point", "modeled on High Point", ["modeled on High Point"], id="gap"
        ),
        pytest.param(
            "model* ... High Point", "a model. High Point", [], id="gap stops at sentence"
        ),
        pytest.param("GVI", "gvi", [], id="case-sensitive is exact"),
        pytest.param(
            "police|bureau ... harm",
            "the bureau admits harm",
            ["bureau admits harm"],
            id="alternative words",
        ),
        pytest.param(
            "reduction strategy", "reduction strategies", ["reduction strategies"], id="plural ies"
        ),
    ],
)
def test_phrase(phrase: str, text: str, expected: list[str]) -> None:
    case_sensitive = phrase.isupper()
    spans = Phrase.compile(phrase, case_sensitive=case_sensitive).find(text)
    assert [text[a:b] for a, b in spans] == expected


def test_sentences_and_paragraphs() -> None:
    text = "Sgt. Ray Lee spoke. Then York, Pa. police left.\n\nNew paragraph here."
    sentences = [text[a:b].strip() for a, b in sentence_spans(text)]
    assert sentences[0] == "Sgt. Ray Lee spoke."
    assert len(paragraph_spans(text)) == 2
