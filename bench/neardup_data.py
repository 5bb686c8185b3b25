"""Invented articles for the near-duplicate benchmark, labelled by story.

    .venv/bin/python bench/neardup_data.py [--out bench/data/neardup_pairs.jsonl] [--seed 8]

Every person, outlet, quote and number here is made up from templates (real
city and program names only). Each record is one article::

    {"id": "e3-a-wire", "story": "e3-a", "kind": "wire", "outlet": "...",
     "headline": "...", "text": "...", "event": "e3", "published": "2024-03-14"}

Events in one city are 5-40 days apart; copies run 0-2 days after the original,
other reporters' stories of an event on the same day.

Records with the same ``story`` are copies of one story and must be grouped:

- ``original``: a reporter's own story about an event;
- ``copy``: the same text in another outlet, another headline, a footer;
- ``wire``: a syndicated version: new headline and dateline, the end cut off
  (the last 20-60 % of its paragraphs), sometimes an editor's line on top;
- ``rewrite``: a light edit: words swapped for synonyms, one sentence
  dropped, one added;
- ``entry``: a feed entry whose page could not be read: headline only (the
  original's headline, with the outlet's name after a dash).

Records with the same ``event`` but another ``story`` are other reporters'
stories of the same event in the same city (same facts, often the same
official quote): they must NOT be grouped. Other events in the same city on
the same program are the same topic and must not be grouped either.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).parent / "data" / "neardup_pairs.jsonl"

CITIES = [
    ("Oakland", "California"),
    ("Stockton", "California"),
    ("Cincinnati", "Ohio"),
    ("New Haven", "Connecticut"),
    ("Baltimore", "Maryland"),
    ("Chicago", "Illinois"),
    ("Indianapolis", "Indiana"),
    ("Milwaukee", "Wisconsin"),
    ("Rochester", "New York"),
    ("Detroit", "Michigan"),
    ("Newark", "New Jersey"),
    ("Memphis", "Tennessee"),
]
PROGRAMS = [
    "Group Violence Intervention",
    "Drug Market Intervention",
    "Project Safe Neighborhoods",
    "Ceasefire",
    "Advance Peace",
]
FIRST = [
    "Marisol",
    "Dewayne",
    "Ilse",
    "Torrance",
    "Priya",
    "Gideon",
    "Rosalind",
    "Kenji",
    "Octavia",
    "Bram",
    "Lucinda",
    "Emeka",
    "Tamsin",
    "Rafferty",
    "Noor",
    "Casimir",
    "Delphine",
    "Augustin",
    "Wren",
    "Solomon",
    "Yesenia",
    "Hollis",
    "Marguerite",
    "Idris",
]
LAST = [
    "Quillfeather",
    "Abernathy-Roe",
    "Delacroix-Hume",
    "Okonkwo-Baird",
    "Vantassel",
    "Pemberly",
    "Szabo-Lind",
    "Castellanos-Pike",
    "Heatherington",
    "Muldoon-Achebe",
    "Trevanion",
    "Ballantyne",
    "Oyelaran",
    "Fairweather",
    "Kowalczyk-Ames",
    "Lindqvist",
]
NEIGHBORHOODS = [
    "East Side",
    "Riverside",
    "Northgate",
    "Fruitvale",
    "Southpoint",
    "Elm Hill",
    "Harbor View",
    "Mill Creek",
    "West End",
    "Cedar Park",
    "Lakeview",
    "Old Town",
]
OUTLETS = [
    "The Harbor Ledger",
    "Tri-County Courier",
    "Metro Beacon",
    "Valley Sentinel",
    "Daily Lantern",
    "Northern Gazette",
    "City Wire Service",
    "The Evening Compass",
    "Lakeshore Times",
    "Public Square Radio",
    "The Weekly Almanac",
    "Capitol Dispatch",
]
KINDS = ["launch", "results", "callin", "grant", "shooting", "council"]

# Sentence templates by event kind; every writer draws their own subset and order.
SENTENCES: dict[str, list[str]] = {
    "launch": [
        "{city} officials on {weekday} launched {program}, a strategy that puts people most at risk of gun violence face to face with police, clergy and service providers.",
        "The program starts in the {hood} neighborhood, where police recorded {n1} shootings last year.",
        "Mayor {mayor} called the launch a turning point for a city that has buried too many young people.",
        '"{quote1}" {mayor} said at a news conference outside the {hood} community center.',
        "Police Chief {chief} said officers spent months mapping the small number of groups behind most of the shootings.",
        '"{quote2}" {chief} said.',
        "The approach asks street outreach workers to deliver a direct message: the violence has to stop, and help is available to anyone who wants it.",
        "Similar efforts in other cities have been credited with steep drops in homicides, though results have varied from place to place.",
        "{director}, who will run the program day to day, said the first step is building trust with families in {hood}.",
        '"{quote3}" {director} said.',
        "The city has set aside ${money} million over three years for staff, job placement and relocation help.",
        "Some residents at the event said they were hopeful but wanted to see results before they believed promises.",
        "{resident}, who has lived in {hood} for {n2} years, said the neighborhood has heard big announcements before.",
        "Council member {council} said she would ask for quarterly reports on the program's progress.",
        "The first group meeting, known as a call-in, is planned for {month}.",
        "Organizers said the program will be evaluated by researchers from a state university.",
        "The police department said it would assign a dedicated team of {n3} officers to the effort.",
        "Faith leaders in the city have pledged to host sessions in their churches and mosques.",
    ],
    "results": [
        "Shootings in {city} fell by {pct} percent in the first year of {program}, according to a report released {weekday}.",
        "The report counted {n1} nonfatal shootings in the neighborhoods covered by the program, down from {n2} the year before.",
        "Homicides tied to street groups dropped to {n3}, the lowest number in more than a decade.",
        '"{quote1}" Mayor {mayor} said as the figures were presented to the council.',
        "Police Chief {chief} credited the outreach workers who visit young men at home and at the hospital after a shooting.",
        '"{quote2}" {chief} said.',
        "Researchers cautioned that a single year of data is not enough to prove the program caused the decline.",
        "Gun violence also fell in several neighboring cities that do not run the program, the report noted.",
        "{director}, the program's director, said the team has worked with {n4} people since it began.",
        '"{quote3}" {director} said.',
        "Of those, {n5} have enrolled in job training and {n6} have moved to safer housing with the program's help.",
        "The {hood} neighborhood saw the sharpest drop, with shootings cut nearly in half.",
        "Council member {council} said the numbers justified renewing the program's ${money} million budget.",
        "Critics on the council questioned whether the money would be better spent on youth centers.",
        "{resident}, a grandmother who lives in {hood}, said children are playing outside again on her block.",
        "The full report will be posted on the city's website next week.",
        "Officials said they plan to expand the program to two more neighborhoods in {month}.",
    ],
    "callin": [
        "About {n1} young men on probation and parole filled a courtroom in {city} on {weekday} for a call-in, the centerpiece of {program}.",
        "They heard from police, prosecutors, ministers and mothers who have lost children to gun violence.",
        "The message was blunt: the next shooting by any member of their group will bring attention to the whole group.",
        '"{quote1}" Police Chief {chief} told the men.',
        "At the same time, service providers offered jobs, counseling, tutoring and a way out.",
        "{director}, who coordinates the call-ins, said {n2} men signed up for services before they left the room.",
        '"{quote2}" {director} said afterward.',
        "One mother, {resident}, described the night her son was shot outside a corner store in {hood}.",
        '"{quote3}" she told the group.',
        "Mayor {mayor} attended but did not speak during the session.",
        "It was the {ordinal} call-in held in {city} since the program began.",
        "Prosecutors said federal charges would be considered for anyone who keeps shooting.",
        "Outreach workers planned follow-up visits to every man who attended within a week.",
        "Council member {council} said the sessions should be held more often.",
        "The meeting lasted a little over two hours.",
        "Several of the men left without speaking to reporters.",
    ],
    "grant": [
        "{city} will receive ${money} million in federal money to expand {program}, officials announced {weekday}.",
        "The grant will pay for {n1} more outreach workers and a case manager for each neighborhood in the program.",
        "Mayor {mayor} said the money will let the city reach people before conflicts turn deadly.",
        '"{quote1}" {mayor} said.',
        "The city applied for the grant last spring with support from the county prosecutor and local hospitals.",
        "Police Chief {chief} said the program has become a central part of the department's violence strategy.",
        '"{quote2}" {chief} said.',
        "{director}, who leads the program, said hiring will start in {month}.",
        '"{quote3}" {director} said.',
        "The grant runs for three years and requires the city to report results every six months.",
        "{city} is one of {n2} cities to receive money in this round of awards.",
        "Council member {council} said she wants some of the money to go to programs for teenagers.",
        "The {hood} neighborhood will be the first to get new outreach workers.",
        "{resident}, a pastor in {hood}, said his congregation is ready to help.",
        "The city will add ${money2} million of its own to match part of the grant.",
    ],
    "shooting": [
        "A {age}-year-old man was shot and killed {weekday} night in the {hood} neighborhood of {city}, police said.",
        "Officers found the man on the sidewalk near the corner of {street} just after {hour} p.m.",
        "He was taken to a hospital, where he died.",
        "Police Chief {chief} said investigators believe the shooting was connected to an ongoing dispute between two groups.",
        '"{quote1}" {chief} said.',
        "No arrests have been made, and police asked anyone with information to call the tip line.",
        "It was the {ordinal} homicide in {city} this year.",
        "Outreach workers with {program} were in the neighborhood within an hour to try to prevent retaliation.",
        "{director}, who leads the outreach team, said workers were talking with friends of the victim.",
        '"{quote2}" {director} said.',
        "Neighbors gathered at the scene late into the night.",
        "{resident}, who lives on the block, said she heard {n1} shots.",
        '"{quote3}" she said.',
        "Mayor {mayor} said in a statement that the city grieves with the victim's family.",
        "The man's name had not been released by {weekday2} morning.",
        "Shootings in {hood} had been down this year before the killing.",
    ],
    "council": [
        "The {city} City Council voted {n1} to {n2} on {weekday} to keep funding {program} for another year.",
        "The vote followed more than three hours of public comment.",
        "Supporters said the program has saved lives in neighborhoods such as {hood}.",
        '"{quote1}" Council member {council} said before the vote.',
        "Opponents argued the city has not shown enough evidence that the program works.",
        "The budget approved {weekday} includes ${money} million for outreach workers and services.",
        "Mayor {mayor} had urged the council to approve the money.",
        '"{quote2}" {mayor} said after the vote.',
        "Police Chief {chief} told the council that group-related shootings are down from last year.",
        "{director}, the program's director, said the team will publish a detailed report in {month}.",
        '"{quote3}" {director} said.',
        "{resident}, a youth coach from {hood}, urged members to fund summer jobs as well.",
        "The council also approved money for street lighting in several neighborhoods.",
        "A separate proposal to hire more police officers was delayed until next month.",
        "The program's contract will come up for review again next spring.",
    ],
}
# A second reporter's phrasing of the same facts: other sentences, the same quotes.
SENTENCES_B: dict[str, list[str]] = {
    "launch": [
        "After months of planning, {program} got under way in {city} this week with a promise to reach the few people driving most of the shootings.",
        "Leaders chose {hood} as the starting point because it had {n1} shootings last year, more than any other part of town.",
        '"{quote1}" Mayor {mayor} told a crowd of about a hundred people.',
        "{chief}, the police chief, described a review of every shooting in the past two years that identified the groups involved.",
        '"{quote2}" the chief added.',
        "Running the effort will be {director}, a former youth counselor who grew up a few blocks from the community center.",
        '"{quote3}" {director} told reporters.',
        "Over three years the budget comes to ${money} million, most of it for outreach staff and jobs.",
        "Not everyone was convinced: a few people in the audience shouted questions about past programs that faded away.",
        "{resident} said she has lived in {hood} for {n2} years and wants to see fewer police cars and more jobs.",
        "A dedicated unit of {n3} officers will work with the outreach team, according to the department.",
        "University researchers will study whether the strategy reduces shootings, organizers said.",
        "{council}, who represents the area on the council, promised close oversight.",
        "The first call-in meeting has been scheduled for {month}.",
    ],
    "results": [
        "A new study of {program} finds that {city} recorded {pct} percent fewer shootings in the program's first twelve months.",
        "In the targeted neighborhoods there were {n1} people wounded by gunfire, compared with {n2} a year earlier.",
        "Group-involved killings fell to {n3}, according to the study.",
        '"{quote1}" {mayor}, the mayor, told council members.',
        "Chief {chief} pointed to outreach workers who meet shooting victims at hospital bedsides.",
        '"{quote2}" the chief told the council.',
        "The authors of the study warned against reading too much into one year of numbers.",
        "{director} said {n4} people have taken part in the program so far.",
        '"{quote3}" {director} told reporters after the meeting.',
        "Job training drew {n5} participants, and {n6} were helped to move out of dangerous housing.",
        "The biggest change came in {hood}, the study found.",
        "{council} wants the ${money} million budget renewed, while other members asked about youth centers instead.",
        "{resident} said her grandchildren can ride their bikes on the street again.",
        "Two more neighborhoods could join the program in {month}.",
    ],
    "callin": [
        "Dozens of men under court supervision, {n1} in all, sat in rows of wooden benches in a {city} courtroom to hear an unusual warning.",
        "Speakers included officers, a federal prosecutor, pastors and mothers of homicide victims.",
        "The warning was that violence by one member would bring the full weight of the law down on everyone in his group.",
        '"{quote1}" Chief {chief} said from the front of the room.',
        "Tables at the back offered job applications, GED classes and counseling appointments.",
        "By the end of the night, {n2} men had signed up, said {director}, the program's coordinator.",
        '"{quote2}" {director} said in an interview.',
        "{resident} held up a photo of her son, who was killed outside a store in {hood}.",
        '"{quote3}" {resident} said.',
        "The mayor, {mayor}, watched from the back row.",
        "This was the {ordinal} such session under {program}.",
        "Outreach staff will visit each man at home in the coming days.",
        "{council} called for more frequent sessions.",
    ],
    "grant": [
        "{program} in {city} is getting a ${money} million boost from Washington.",
        "With the money the city plans to hire {n1} outreach workers and add case managers.",
        '"{quote1}" Mayor {mayor} said in announcing the award.',
        "The application had backing from hospitals and the county prosecutor's office, the mayor's office said.",
        "Chief {chief} called the program the backbone of the city's plan to reduce shootings.",
        '"{quote2}" {chief} said.',
        '"{quote3}" said {director}, who runs the program and expects to begin hiring in {month}.',
        "Progress reports are due every six months during the three-year grant.",
        "{n2} cities shared in the latest round of awards.",
        "{council} hopes part of the money will reach teenagers before they are drawn into conflicts.",
        "New workers will start in {hood}, where {resident}, a local pastor, said churches are ready to open their doors.",
        "The city is adding ${money2} million from its own budget.",
    ],
    "shooting": [
        "Police in {city} are searching for whoever shot and killed a {age}-year-old man in {hood} late {weekday}.",
        "Officers responding to a call near {street} around {hour} p.m. found him wounded on the sidewalk.",
        "He died later at the hospital.",
        "Detectives think the killing grew out of a feud between two groups, Chief {chief} said.",
        '"{quote1}" {chief} told reporters at the scene.',
        "Anyone with information is asked to contact police; no suspects have been named.",
        "The death is the city's {ordinal} homicide of the year.",
        "Within the hour, {program} outreach workers were on the block trying to calm tempers.",
        '"{quote2}" said {director}, who supervises the outreach workers.',
        "{resident} said she counted {n1} gunshots from her kitchen.",
        '"{quote3}" {resident} said.',
        "The mayor, {mayor}, offered condolences to the family.",
        "Police had not identified the victim as of {weekday2}.",
    ],
    "council": [
        "After a long night of public testimony, council members in {city} agreed {n1}-{n2} to continue {program}.",
        "Speakers from {hood} and other neighborhoods lined up to say the program works.",
        '"{quote1}" said {council}, who voted yes.',
        "Members who voted no said the city still lacks hard evidence of results.",
        "The program will receive ${money} million in the coming budget year.",
        '"{quote2}" Mayor {mayor} told reporters after the meeting.',
        "Group-related shootings have declined, Chief {chief} said during the hearing.",
        '"{quote3}" said {director}, who promised a full report in {month}.',
        "{resident}, who coaches a youth team in {hood}, asked for summer jobs money.",
        "Street lighting money also passed, while a plan to hire police was put off.",
        "The contract will be reviewed again next spring.",
    ],
}
QUOTES = [
    "We are not going to accept funerals as a normal part of life in this city",
    "Every person in that room has a choice, and we are going to help them make the right one",
    "This is about keeping young people alive long enough to build a future",
    "The community asked for this, and the community is going to lead it",
    "We know who is at risk, and we are going to reach them before the next shooting",
    "Nobody in this city should have to plan a funeral for a teenager",
    "The numbers tell us something is working, but one shooting is still too many",
    "We are offering a hand, and we mean it",
    "I want my grandchildren to be able to walk to the park",
    "Our outreach workers do the hardest job in this city",
    "Trust is built one conversation at a time",
    "If you put the gun down, we will be there for you",
    "We cannot arrest our way out of this",
    "This money means more people on the street who know these young men by name",
    "My son should be here today",
    "We are going to be in that neighborhood every single night",
]
HEADLINES: dict[str, list[str]] = {
    "launch": [
        "{city} launches {program} in {hood}",
        "New anti-violence strategy begins in {city}",
        "{city} bets on {program} to curb shootings",
        "Police, clergy unveil violence plan in {city}",
    ],
    "results": [
        "Shootings down {pct}% under {program} in {city}",
        "{city} report: gun violence fell in program's first year",
        "{program} credited as {city} shootings drop",
        "Fewer shootings in {hood}, report says",
    ],
    "callin": [
        "Young men hear blunt message at {city} call-in",
        "{city} call-in offers help, warning",
        "Mothers, police speak at {program} session in {city}",
        "Inside a {city} violence call-in",
    ],
    "grant": [
        "{city} wins ${money} million to expand {program}",
        "Federal grant boosts {city} violence program",
        "{city} to hire outreach workers with new grant",
        "More money for {program} in {city}",
    ],
    "shooting": [
        "Man killed in {hood} shooting",
        "{city} police investigate fatal shooting in {hood}",
        "Fatal shooting in {city} tied to group dispute, chief says",
        "Outreach workers respond after {hood} killing",
    ],
    "council": [
        "{city} council keeps {program} funded",
        "Council votes {n1}-{n2} to fund {program}",
        "{city} extends violence program after long debate",
        "{program} survives {city} budget vote",
    ],
}
EXTRA = [
    "The program is modeled on work that began in Boston in the 1990s.",
    "Similar programs operate in more than two dozen cities across the country.",
    "Outreach workers are often people who were once involved in street violence themselves.",
    "The effort is paid for with a mix of city, state and federal money.",
]
SYNONYMS = {
    "said": "stated",
    "officials": "leaders",
    "neighborhood": "area",
    "shootings": "shooting incidents",
    "program": "initiative",
    "city": "town",
    "money": "funding",
    "people": "residents",
    "police": "officers",
    "young": "younger",
    "plan": "proposal",
    "help": "support",
    "workers": "staff",
    "violence": "bloodshed",
    "report": "study",
    "council": "city council",
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = ["January", "March", "May", "June", "August", "October"]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "ninth", "12th", "15th"]
STREETS = [
    "Pine and 14th streets",
    "Alder Avenue and Fourth Street",
    "Marsh Road and Hill Street",
    "Bayview and Third",
    "Kestrel Lane and Ninth Street",
]


@dataclass
class Event:
    key: str
    city: str
    state: str
    kind: str
    facts: dict[str, str]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def make_event(
    rng: random.Random, key: str, city: tuple[str, str], kind: str, program: str
) -> Event:
    quotes = rng.sample(QUOTES, 3)
    facts = {
        "city": city[0],
        "program": program,
        "hood": rng.choice(NEIGHBORHOODS),
        "mayor": person(rng),
        "chief": person(rng),
        "director": person(rng),
        "council": person(rng),
        "resident": person(rng),
        "quote1": quotes[0] + ".",
        "quote2": quotes[1] + ".",
        "quote3": quotes[2] + ".",
        "weekday": rng.choice(WEEKDAYS),
        "weekday2": rng.choice(WEEKDAYS),
        "month": rng.choice(MONTHS),
        "ordinal": rng.choice(ORDINALS),
        "street": rng.choice(STREETS),
        "n1": str(rng.randint(5, 60)),
        "n2": str(rng.randint(3, 40)),
        "n3": str(rng.randint(2, 20)),
        "n4": str(rng.randint(80, 400)),
        "n5": str(rng.randint(10, 70)),
        "n6": str(rng.randint(5, 30)),
        "pct": str(rng.randint(12, 45)),
        "money": str(rng.randint(1, 9)),
        "money2": str(rng.randint(1, 4)),
        "age": str(rng.randint(17, 34)),
        "hour": str(rng.randint(7, 11)),
    }
    return Event(key, city[0], city[1], kind, facts)


def write_story(rng: random.Random, event: Event, *, reporter: int = 0) -> tuple[str, str]:
    """One reporter's story of ``event``: a headline and 9-14 sentences in 4-7 paragraphs."""
    bank = (SENTENCES if reporter == 0 else SENTENCES_B)[event.kind]
    lead, rest = bank[0], bank[1:]
    chosen = [lead, *rng.sample(rest, rng.randint(8, min(13, len(rest))))]
    sentences = [s.format(**event.facts) for s in chosen]
    paragraphs: list[str] = []
    while sentences:
        take = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    # Reporters write their own headlines: the second never reuses the first's.
    choices = HEADLINES[event.kind][reporter::2]
    headline = rng.choice(choices).format(**event.facts)
    return headline, "\n\n".join(paragraphs)


def wire(rng: random.Random, event: Event, headline: str, text: str) -> tuple[str, str]:
    paragraphs = text.split("\n\n")
    keep = max(2, round(len(paragraphs) * rng.uniform(0.4, 0.8)))
    body = paragraphs[:keep]
    body[0] = f"{event.city.upper()}, {event.state} (CWS) — " + body[0]
    if rng.random() < 0.5:
        body.insert(0, "This story was distributed by City Wire Service.")
    others = [h for h in HEADLINES[event.kind] if h.format(**event.facts) != headline]
    return rng.choice(others).format(**event.facts), "\n\n".join(body)


def rewrite(rng: random.Random, text: str) -> str:
    paragraphs = text.split("\n\n")
    sentences = [p.split(". ") for p in paragraphs]
    flat = [(i, j) for i, p in enumerate(sentences) for j in range(len(p))]
    if len(flat) > 4:
        i, j = rng.choice(flat[1:])
        del sentences[i][j]
    sentences[-1].append(rng.choice(EXTRA))
    out = "\n\n".join(". ".join(p) for p in sentences if p)
    words = out.split(" ")
    for k, word in enumerate(words):
        if word in SYNONYMS and rng.random() < 0.5:
            words[k] = SYNONYMS[word]
    return " ".join(words)


def later(rng: random.Random, day: date) -> dict[str, str]:
    """A copy's date: the original's, or a day or two after."""
    return {"published": (day + timedelta(days=rng.randint(0, 2))).isoformat()}


def generate(seed: int = 8) -> list[dict[str, str]]:
    rng = random.Random(seed)
    records: list[dict[str, str]] = []
    number = 0
    for city in CITIES:
        program = rng.choice(PROGRAMS)
        day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 60))
        # Two events of the same kind in one city: the same topic, different stories.
        kinds = [*rng.sample(KINDS, 3)]
        kinds.append(kinds[0])
        for kind in kinds:
            number += 1
            event = make_event(rng, f"e{number}", city, kind, program)
            day += timedelta(days=rng.randint(5, 40))
            reporters = 2 if rng.random() < 0.7 else 1  # other reporters' stories of this event
            for r in range(reporters):
                story = f"{event.key}-{'ab'[r]}"
                outlets = rng.sample(OUTLETS, 5)
                headline, text = write_story(rng, event, reporter=r)
                base = {"event": event.key, "story": story, "published": day.isoformat()}
                records.append(
                    {
                        **base,
                        "id": f"{story}-original",
                        "kind": "original",
                        "outlet": outlets[0],
                        "headline": headline,
                        "text": text,
                    }
                )
                if r > 0:
                    continue
                roll = rng.random()
                if roll < 0.35:
                    footer = f"\n\nCopyright {outlets[1]}. All rights reserved."
                    other = rng.choice(HEADLINES[kind]).format(**event.facts)
                    records.append(
                        {
                            **base,
                            **later(rng, day),
                            "id": f"{story}-copy",
                            "kind": "copy",
                            "outlet": outlets[1],
                            "headline": other,
                            "text": text + footer,
                        }
                    )
                w_headline, w_text = wire(rng, event, headline, text)
                records.append(
                    {
                        **base,
                        **later(rng, day),
                        "id": f"{story}-wire",
                        "kind": "wire",
                        "outlet": outlets[2],
                        "headline": w_headline,
                        "text": w_text,
                    }
                )
                if rng.random() < 0.6:
                    records.append(
                        {
                            **base,
                            **later(rng, day),
                            "id": f"{story}-rewrite",
                            "kind": "rewrite",
                            "outlet": outlets[3],
                            "headline": headline,
                            "text": rewrite(rng, text),
                        }
                    )
                if rng.random() < 0.4:
                    records.append(
                        {
                            **base,
                            **later(rng, day),
                            "id": f"{story}-entry",
                            "kind": "entry",
                            "outlet": outlets[4],
                            "headline": f"{headline} - {outlets[0]}",
                            "text": "",
                        }
                    )
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    records = generate(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    stories = len({r["story"] for r in records})
    print(f"{len(records)} articles, {stories} stories -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
