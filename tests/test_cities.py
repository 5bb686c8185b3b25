"""City detection and home-city inference on invented stories (no third-party text)."""

from __future__ import annotations

import pytest

from scraper.config.vocab import CitySpec, default_cities
from scraper.text.gazetteer import gazetteer
from scraper.understand.tags.cities import find_cities, infer_home

ALIASES = default_cities()

CASES = [
    pytest.param(
        "GARY, Ind. — Police in Gary said on Monday that shootings fell in the spring.",
        "",
        None,
        ["Gary, IN"],
        id="dateline with AP state",
    ),
    pytest.param(
        "The council of Gary, Indiana, voted to hire twelve outreach workers.",
        "",
        None,
        ["Gary, IN"],
        id="state written out next to the city",
    ),
    pytest.param(
        "YORK, Pa. — The York police chief met pastors on Tuesday.",
        "",
        None,
        ["York, PA"],
        id="York, Pa. dateline",
    ),
    pytest.param(
        "YORK, England — Officers patrolled the city centre as York pubs filled up.",
        "",
        None,
        [],
        id="York, England is not a US city",
    ),
    pytest.param(
        "Officers in York neighbourhoods will search pub customers, the force said. "
        "York's city centre stays busy at the weekend.",
        "",
        None,
        [],
        id="British story without a state",
    ),
    pytest.param(
        "York police met young men at a church. The plan came from a program out of "
        "John Jay College in New York. York police will meet them again in May.",
        "",
        "York, PA",
        ["York, PA"],
        id="New York as a college's home is passing",
    ),
    pytest.param(
        "Actor Gary Whitcombe signed autographs at the festival. Whitcombe said he loved it.",
        "",
        None,
        [],
        id="Gary the first name",
    ),
    pytest.param(
        "Gary said the cookout would be on Sunday. Gary said everyone was invited.",
        "",
        None,
        [],
        id="Gary said",
    ),
    pytest.param(
        "An Oakland County deputy was hurt in a crash in Brandon Township on Friday.",
        "",
        None,
        [],
        id="county and township",
    ),
    pytest.param(
        "Oakland police said the shooting happened downtown. Oakland leaders met on Monday.",
        "",
        None,
        ["Oakland, CA"],
        id="Oakland the city",
    ),
    pytest.param(
        "Jackson police arrested two men. Jackson officials praised the arrests.",
        "",
        "Lansing, MI",
        ["Jackson, MI"],
        id="outlet state picks Jackson, MI",
    ),
    pytest.param(
        "Jackson police arrested two men. Jackson officials praised the arrests.",
        "",
        None,
        ["Jackson, MS"],
        id="population picks Jackson, MS",
    ),
    pytest.param(
        "KANSAS CITY, Kan. -- Kansas City leaders met after the latest homicide.",
        "",
        "Kansas City, MO",
        ["Kansas City, KS"],
        id="Kansas dateline beats the outlet home",
    ),
    pytest.param(
        "KCK leaders met at police headquarters on Saturday to talk about the killings.",
        "",
        None,
        ["Kansas City, KS"],
        id="KCK alias",
    ),
    pytest.param(
        "York City police said a teenager was hurt. York City officials asked for calm.",
        "",
        None,
        ["York, PA"],
        id="York City alias",
    ),
    pytest.param(
        "NOLA officials said the new program starts next week across the city.",
        "",
        None,
        ["New Orleans, LA"],
        id="NOLA alias",
    ),
    pytest.param(
        "New York City police reported fewer shootings this spring than last.",
        "",
        None,
        ["New York, NY"],
        id="New York City",
    ),
    pytest.param(
        "The strategy originated in Boston in the 1990s. Dayton police adopted it this "
        "year, and Dayton officials say shootings fell.",
        "",
        None,
        ["Dayton, OH"],
        id="origin of a program is passing",
    ),
    pytest.param(
        "Pittsburgh will host the group this week. Earlier meetings were held in Stockton, "
        "Calif.; Gary, Ind., and Fort Worth, Texas. Pittsburgh police will attend.",
        "Pittsburgh meeting planned",
        None,
        ["Pittsburgh, PA"],
        id="other pilot sites listed in passing",
    ),
    pytest.param(
        "Police watched Cleveland Avenue in Winston-Salem for a month. Winston-Salem "
        "officers say the corner is quiet now.",
        "",
        None,
        ["Winston-Salem, NC"],
        id="street named after a city",
    ),
    pytest.param(
        "KYIV (Reuters) - The president proposed a truce until the leaders meet.",
        "",
        None,
        [],
        id="foreign dateline",
    ),
    pytest.param(
        "Talks in Moscow ended without a deal, the ministers said.",
        "",
        None,
        [],
        id="Moscow without a state is Russia",
    ),
    pytest.param(
        "MOSCOW, Idaho — Moscow police closed the road after the storm.",
        "",
        None,
        ["Moscow, ID"],
        id="Moscow with its state",
    ),
    pytest.param(
        "Washington state lawmakers passed a budget on Friday.",
        "",
        None,
        [],
        id="state name is no city",
    ),
    pytest.param(
        "Cincinnati and Dayton police chiefs signed the pact. Cincinnati will host the "
        "first meeting and Dayton the second; Cincinnati and Dayton share the grant.",
        "Cincinnati and Dayton join forces",
        None,
        ["Cincinnati, OH", "Dayton, OH"],
        id="two central cities",
    ),
    pytest.param(
        "Kansas City officers and pastors knocked on doors in the Northeast on Friday. "
        "Kansas City has tried the approach twice before, the chief said.",
        "Kansas City police try again",
        None,
        ["Kansas City, MO"],
        id="Kansas inside Kansas City is no state",
    ),
    pytest.param(
        "LEXINGTON — Police in Lexington mailed warnings to thirty men this spring, "
        "copying an approach from nearby Asheboro. Lexington officers followed up.",
        "",
        "Lexington, KY",
        ["Lexington, NC"],
        id="a neighbouring place's state beats an inferred home",
    ),
    pytest.param(
        "Nine Tulsa detectives joined the task force. Tulsa police said the unit starts "
        "in May. Tulsa officials approved the overtime.",
        "",
        None,
        ["Tulsa, OK"],
        id="a number word is no first name",
    ),
    pytest.param(
        "The meeting took place at the Ridgewood branch library. Denver officers sat "
        "with residents of Ridgewood. Denver police will return next month.",
        "",
        None,
        ["Denver, CO"],
        id="a small place outside the story's state is a neighbourhood",
    ),
    pytest.param(
        "Fare evasion on the Chicago train system rose in March, the transit agency said.",
        "",
        None,
        ["Chicago, IL"],
        id="the city name as a modifier is the city",
    ),
    pytest.param(
        "Tacoma, Washington; Toledo, Ohio; and Macon, Georgia, share a problem: too many "
        "young men shot by people they know. This spring all three hired outreach staff.\n\n"
        "In Tacoma, the work began with a list of 40 names. Tacoma police sorted them.\n\n"
        "Toledo's team is smaller. Toledo officers meet the men at home.\n\n"
        "Macon started last, but Macon pastors already host the meetings.",
        "Three cities try a new way to stop shootings",
        None,
        ["Macon, GA", "Tacoma, WA", "Toledo, OH"],
        id="a list that opens the lede names the story's cities",
    ),
    pytest.param(
        "Opinion by Dana Reyes\n\n"
        "In 1994 a handful of detectives in Minneapolis tried talking to gang members "
        "instead of arresting them. It worked for a while.\n\n"
        "The lesson for every city is that strategies need years, not months, and mayors "
        "rarely have the patience.",
        "Violence strategies need patience",
        None,
        [],
        id="a city in a sentence of history is no story city",
    ),
    pytest.param(
        "Deputies were called to a trailer park in Bloomfield Township on Sunday night.\n\n"
        "A man with a leg wound was taken to a hospital in Royal Oak, deputies said. "
        "Nobody has been arrested.",
        "",
        None,
        [],
        id="where a victim was taken to hospital is passing",
    ),
    pytest.param(
        "The state's new bail law takes effect in July, and county jails are bracing for "
        "it.\n\nJudges will have more discretion, lawmakers said.\n\n"
        "Critics include a Fresno group of public defenders.",
        "",
        None,
        [],
        id="one bare late mention makes no story city",
    ),
    pytest.param(
        "Organisers of Memphis Peace Walk asked the city to put down its guns for a "
        "weekend. Volunteers will march on Saturday.",
        "Memphis Peace Walk returns",
        None,
        ["Memphis, TN"],
        id="a local group named for the city",
    ),
    pytest.param(
        "Springfield council members met on Monday about summer jobs. Sangamon County "
        "deputies will patrol the parks, and Springfield police will add night shifts.",
        "",
        None,
        ["Springfield, IL"],
        id="a county only one state has settles a namesake",
    ),
    pytest.param(
        "Farmers across upstate New York lost hay to the drought, and New York lawmakers "
        "want relief. Dairy owners in Cortland County met on Friday.",
        "",
        None,
        [],
        id="upstate New York and New York lawmakers are the state",
    ),
    pytest.param(
        "The grant is the largest in New York state this year, the Albany police chief "
        "said. Albany officers will spend it on overtime.",
        "",
        None,
        ["Albany, NY"],
        id="New York state is no city",
    ),
    pytest.param(
        "Coach Dana Whitlow grew up in Gary, Indiana, and came to Tucson in 1990. "
        "Tucson has been home since, Whitlow said.",
        "",
        None,
        ["Tucson, AZ"],
        id="the state next to a city is no place of its own",
    ),
    pytest.param(
        "Flint police will knock on doors this summer. Flint officers trained for it with "
        "a team from Chicago last month.",
        "",
        None,
        ["Flint, MI"],
        id="a city from another state leaves an unambiguous name alone",
    ),
    pytest.param(
        "Kansas City police and pastors from Overland Park walked the east side on "
        "Saturday. Kansas City plans three more walks.",
        "",
        "Kansas City, MO",
        ["Kansas City, MO"],
        id="a neighbour equally near both namesakes leaves the home city",
    ),
    pytest.param(
        "Three cities — Waco, Texas; Macon, Georgia; and Erie, Pennsylvania — will share "
        "a federal grant for outreach workers, officials said Tuesday.\n\n"
        "In Waco, the police chief wants the first meeting in June.\n\n"
        "Macon has hired two analysts to map the groups.\n\n"
        "Erie plans to start in the fall, and Erie pastors have offered their halls.",
        "",
        None,
        ["Waco, TX", "Macon, GA", "Erie, PA"],
        id="a list after a short lead-in opens the lede: each city with its own paragraph",
    ),
    pytest.param(
        "DAYTON, Ohio (AP) — A jobs program for young men on parole is spreading from "
        "here to Toledo, state officials said Thursday.\n\n"
        "Dayton enrolled its first group in May, and Dayton employers have hired eleven "
        "of the men.\n\n"
        "Toledo will follow in July. Toledo will also hire a coordinator.",
        "",
        None,
        ["Dayton, OH", "Toledo, OH"],
        id="an AP dateline is no photo caption: the dateline's paragraph keeps its weight",
    ),
    pytest.param(
        "Columbus commissioners should pass the plan to light the riverwalk. Georgia towns "
        "half our size have done it for less.\n\n"
        "Unlike Columbus, Ohio, we do not have the money for a new police academy, but "
        "lights are cheap. Columbus can afford them this year.",
        "Letter: Columbus should light the riverwalk",
        "Columbus, OH",
        ["Columbus, GA"],
        id="a namesake contrasted in passing settles nothing, not even against the home",
    ),
    pytest.param(
        "MADRID (AP) — Crowds filled the old squares on Saturday as the Spanish capital "
        "held its first night market in decades.\n\n"
        "Dale Ferris, a retired plumber from Tulsa, Oklahoma, who was visiting with his "
        "wife, said the crowds reminded him of a county fair back home.",
        "",
        None,
        [],
        id="a visitor's home town in a story abroad is passing",
    ),
    pytest.param(
        "Sunnyside residents packed a church hall on Tuesday to hear Houston police explain "
        "the new patrol plan. Sunnyside business owners asked for more lighting, and "
        "Sunnyside pastors offered to host the next meeting.",
        "Sunnyside neighbors question patrol plan",
        "Houston, TX",
        ["Houston, TX"],
        id="a shared small name far from a local outlet's state is a neighbourhood",
    ),
    pytest.param(
        "Flint police and pastors met eleven young men on Tuesday for the first call-in. "
        "Flint plans a second meeting in June.",
        "Flint holds its first call-in",
        "Chicago, IL",
        ["Flint, MI"],
        id="a small name with one namesake in another state stays a city",
    ),
    pytest.param(
        "Marisol Tyler has coached swimming in Spokane for two decades. Tyler grew up in "
        'Tyler, Texas, and moved north in 1998. "The pool is where I think best," Tyler '
        "said. Tyler's relay team won again on Saturday at the Spokane aquatic center.",
        "Spokane coach still on deck",
        "Spokane, WA",
        ["Spokane, WA"],
        id="a surname shared with a home town named in passing stays a person",
    ),
    pytest.param(
        "Prosecutors charged nine members of a Gentilly crew on Friday, months after they "
        "were warned at a call-in. NOPD Superintendent Dana Rivet said detectives had "
        "mapped the crew's feuds for a year.",
        "Crew warned at call-in is charged",
        None,
        ["New Orleans, LA"],
        id="a city police department's acronym names its city",
    ),
    pytest.param(
        "LANSING, Mich. (AP) — Flint and Saginaw will each get $600,000 to start group "
        "violence intervention programs, the attorney general announced Tuesday.\n\n"
        "Flint police expect a first call-in by summer. Saginaw will hire two outreach "
        "workers with its share.",
        "Two Michigan cities get money for violence strategy",
        None,
        ["Flint, MI", "Saginaw, MI"],
        id="a dateline city named nowhere else is where news about other cities was announced",
    ),
    pytest.param(
        "LANSING, Mich. (AP) — Flint and Saginaw will each get $600,000 to start group "
        "violence intervention programs, the attorney general announced Tuesday.\n\n"
        "Flint police expect a first call-in by summer. Saginaw will hire two outreach "
        "workers with its share. Lansing will train the officers of both cities.",
        "Two Michigan cities get money for violence strategy",
        None,
        ["Flint, MI", "Saginaw, MI", "Lansing, MI"],
        id="a dateline city with events of its own stays",
    ),
    pytest.param(
        "Researchers in Leeds found that knife crime fell by a quarter where police visited "
        "hot spots at random times. The Home Office paid for the trial in two London "
        "boroughs.\n\nThe Police Federation said forces lacked the officers to copy it.\n\n"
        "The results echo a trial in Baltimore, Maryland, a decade ago.",
        "Random patrols cut knife crime, study finds",
        None,
        [],
        id="a story set abroad names a US city with its state past the lede in passing",
    ),
    pytest.param(
        "BALTIMORE, Md. — Police here borrowed an idea from London: random hot-spot visits "
        "like those the Home Office paid for to cut knife crime.\n\n"
        "Baltimore officers began the visits on Monday.",
        "Baltimore tries random patrols",
        None,
        ["Baltimore, MD"],
        id="a US story borrowing British ideas keeps its city when its lede names the state",
    ),
    pytest.param(
        "A study at the University of Cambridge in England found that hot-spot patrols cut "
        "street robbery. Cambridge researchers plan a second trial next year.",
        "Cambridge study backs short patrols",
        None,
        [],
        id="a place name followed by in England is the foreign namesake",
    ),
    pytest.param(
        "Scientists in Cambridge in England found that call-ins cut shootings. Cambridge "
        "researchers will now work with police in Boston, Massachusetts, on a second trial. "
        "Cambridge officials said it starts in May. Boston police said they welcome it.",
        "",
        None,
        ["Boston, MA"],
        id="a name placed abroad stays abroad when a state is named for another city",
    ),
    pytest.param(
        "Portland's harbor choir sang on Sunday under a new director. Denton, who grew up "
        "in Denton, Texas, took over in March. Denton laughed when asked about the hymns. "
        "Portland singers said rehearsals run late.",
        "Portland choir finds its voice",
        "Portland, ME",
        ["Portland, ME"],
        id="a name followed by who or laughed is a person",
    ),
    pytest.param(
        "The people of Flint, who waited years for clean pipes, met police on Monday at a "
        "call-in. Flint police said twelve men came.",
        "",
        None,
        ["Flint, MI"],
        id="who after a place named with a preposition refers to its people",
    ),
    pytest.param(
        "The bakery's rye bread won first prize at the state fair.",
        "",
        None,
        [],
        id="no place at all",
    ),
]


@pytest.mark.parametrize(("text", "headline", "home", "expected"), CASES)
def test_find_cities(text: str, headline: str, home: str | None, expected: list[str]) -> None:
    cities, evidence = find_cities(text, headline=headline, outlet_home=home, aliases=ALIASES)
    assert sorted(cities) == sorted(expected)
    assert {e.label for e in evidence} == set(expected)
    for ev in evidence:
        source = headline if ev.field == "headline" else text
        assert source[ev.start : ev.end] == ev.phrase
        assert ev.kind == "city"
        assert ev.note
        assert ev.confidence is not None
        assert 0 < ev.confidence <= 1


@pytest.mark.parametrize(
    ("text", "url_abroad", "label", "tag"),
    [
        pytest.param(
            "GARY, Ind. — Gary police met pastors on Monday.",
            False,
            "Gary, IN",
            True,
            id="a state next to the name: a tag",
        ),
        pytest.param(
            "Columbia council members met on Monday. Columbia police will add patrols.",
            False,
            "Columbia, SC",
            False,
            id="population alone among comparable namesakes: a suggestion",
        ),
        pytest.param(
            "Phoenix council members met on Monday. Phoenix police will add patrols.",
            False,
            "Phoenix, AZ",
            True,
            id="population alone with no rival namesake: a tag",
        ),
        pytest.param(
            "Phoenix council members met on Monday. Phoenix police will add patrols.",
            True,
            "Phoenix, AZ",
            False,
            id="a foreign outlet's bare US name: a suggestion",
        ),
    ],
)
def test_city_confidence(text: str, url_abroad: bool, label: str, tag: bool) -> None:
    cities, evidence = find_cities(text, outlet_abroad=url_abroad)
    assert cities == [label]
    confidence = {e.confidence for e in evidence}
    assert len(confidence) == 1
    assert (next(iter(confidence)) or 0) >= 0.5 if tag else (next(iter(confidence)) or 0) < 0.5


def test_small_place_needs_explicit_support() -> None:
    small = next(
        p
        for places in gazetteer().places.values()
        for p in places
        if p.population < 10_000 and len(gazetteer().lookup(p.name)) == 1 and " " in p.name
    )
    bare = f"Residents of {small.name} gathered at the library to hear the plan."
    assert find_cities(bare)[0] == []
    state = gazetteer().state_names[small.state]
    explicit = f"Residents of {small.name}, {state}, gathered at the library."
    assert find_cities(explicit)[0] == [small.label]


def test_configured_alias() -> None:
    spec = CitySpec(name="Fort Worth, TX", aliases=["Cowtown"])
    cities, evidence = find_cities("Cowtown police expanded the program.", aliases=[spec])
    assert cities == ["Fort Worth, TX"]
    assert evidence[0].phrase == "Cowtown"


@pytest.mark.parametrize(
    ("outlet", "url", "expected"),
    [
        pytest.param("York Dispatch", "https://www.yorkdispatch.com/a", "York, PA", id="outlet"),
        pytest.param("The Record (Stockton)", None, "Stockton, CA", id="outlet in brackets"),
        pytest.param(None, "https://blogs.seattletimes.com/x", "Seattle, WA", id="domain"),
        pytest.param("Daily Freeman", "https://www.nola.com/a", "New Orleans, LA", id="alias"),
        pytest.param("The Press (York)", "https://www.yorkpress.co.uk/n", None, id="foreign"),
        pytest.param("Shore Reporter", "https://shorereporter.example/a", None, id="none"),
        pytest.param(
            "Capital Journal (Bismarck, ND)", None, "Bismarck, ND", id="outlet with state"
        ),
        pytest.param(
            "MLive (Jackson Daily)", "https://www.mlive.com/a", "Jackson, MI", id="state site"
        ),
        pytest.param(
            "Jackson Weekly", "https://www.tennesseeherald.com/a", "Jackson, TN", id="state domain"
        ),
        pytest.param(
            "StateWire",
            "https://www.pennlive.com/york/2021/03/council-votes-on-plan.html",
            "York, PA",
            id="a statewide site's section for a city",
        ),
        pytest.param(
            "StateWire",
            "https://www.pennlive.com/news/2021/03/erie-council-votes-on-plan.html",
            None,
            id="a place inside a statewide site's slug is no home",
        ),
        pytest.param(
            "StateWire",
            "https://www.pennlive.com/dayton/2021/03/plan.html",
            None,
            id="a section named for a city of another state is no home",
        ),
        pytest.param(
            "The Kansas City Star",
            "https://www.kansascity.com/a",
            "Kansas City, MO",
            id="a state name inside a place name in the domain",
        ),
    ],
)
def test_infer_home(outlet: str | None, url: str | None, expected: str | None) -> None:
    assert infer_home(outlet, url, aliases=ALIASES) == expected


def test_a_story_set_abroad_overrules_a_guessed_home() -> None:
    text = (
        "A new wellbeing centre opened at Derry's city hospital on Monday. It is the first "
        "of its kind in Northern Ireland, and every neighbourhood of the city will use it."
    )
    guessed = find_cities(text, outlet_home="Derry, NH", home_inferred=True)
    assert guessed == ([], [])
    configured = find_cities(text, outlet_home="Derry, NH")
    assert configured[0] == ["Derry, NH"]  # a configured home is the operator's word
