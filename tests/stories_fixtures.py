"""Invented articles for the stories tests: one wire story, its copies, and other stories.

Every name, quote and number is made up; the city and program names are real.
"""

from __future__ import annotations

WIRE = [
    "Stockton officials said Tuesday that the city's Group Violence Intervention effort will "
    "expand to two more neighborhoods this fall after a year in which nonfatal shootings in "
    "the first target area fell by nearly a third.",
    "The expansion will add six outreach workers and a case manager, paid for with a mix of "
    "city money and a state grant that the council accepted last month without debate.",
    "\u201cWe started small on purpose, because we wanted to learn what works on these blocks "
    "before we promised anything to anyone else,\u201d said Corliss Embleton-Vane, who directs "
    "the program from a storefront office near the old cannery.",
    "Police Chief Anselm Drabowski said detectives now share a weekly list of ongoing disputes "
    "with the outreach team, so workers can visit the people involved before a feud turns "
    "into another shooting.",
    "Residents of the Seaport district, where the program began, gave the effort mixed "
    "reviews at a crowded meeting Monday night, with several saying they still hear gunfire "
    "most weekends and want more street lights and summer jobs.",
    "The program follows a model used in several other California cities, in which police, "
    "clergy and service providers meet face to face with young men at the highest risk of "
    "being shot or shooting someone.",
    "City staff will present a full report on the first year to the council in November, "
    "including the number of people who took part in job training and relocation help.",
    "Embleton-Vane said the new neighborhoods will be chosen by the end of the month.",
]

# Another reporter's story of the same meeting: same facts and the same quote, own words.
SAME_EVENT = [
    "A year after it began in the Seaport district, Stockton's Group Violence Intervention "
    "program is growing, city leaders announced at City Hall on Tuesday.",
    "Two more neighborhoods will be added in the fall, and six outreach workers will be hired "
    "along with a case manager, according to a memo handed out to reporters.",
    "\u201cWe started small on purpose, because we wanted to learn what works on these blocks "
    "before we promised anything to anyone else,\u201d Corliss Embleton-Vane told the room.",
    "Nonfatal shootings in Seaport dropped by close to 30 percent, the memo says, although "
    "homicides across the city were roughly flat compared with the year before.",
    "Chief Anselm Drabowski told reporters his detectives meet with outreach staff every week "
    "to go over feuds that could turn violent.",
    "At a neighborhood meeting the night before, Seaport residents were divided: some praised "
    "the outreach workers by name, while others said nothing has changed on their street.",
    "The council is expected to hear a first-year report in November.",
]

# A different story on the same program in the same city, weeks later.
SAME_TOPIC = [
    "Stockton's Group Violence Intervention team held its fourth call-in session Thursday, "
    "bringing twenty-two young men on probation into a courtroom to hear from police, "
    "pastors and relatives of shooting victims.",
    "Outreach supervisor Delphine Araujo-Marsh said fourteen of the men signed up for job "
    "training or counseling before they left the building.",
    "\u201cThe hardest part is the first phone call, and tonight fourteen people made it,\u201d "
    "Araujo-Marsh said.",
    "Prosecutors warned that any new shooting tied to a group would bring attention to every "
    "member of that group, a message the program repeats at each session.",
    "A mother whose son was killed near the waterfront two years ago spoke for ten minutes, "
    "and several of the men lowered their heads as she described the night he died.",
    "The next session is planned for January in the Gateway neighborhood.",
]

WIRE_HEADLINE = "Stockton to expand Group Violence Intervention to two more neighborhoods"
COPY_HEADLINE = "Anti-violence program grows after shootings drop in Seaport"
SAME_EVENT_HEADLINE = "Stockton violence program growing, city says"
SAME_TOPIC_HEADLINE = "Young men hear warning and offer of help at Stockton call-in"


def text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def wire_trimmed() -> str:
    """The wire story as a small paper runs it: a dateline, the last three paragraphs cut."""
    first = "STOCKTON, Calif. (AP) \u2014 " + WIRE[0]
    return text([first, *WIRE[1:5]])


def wire_edited() -> str:
    """A light edit: a few words changed, one paragraph dropped, one sentence added."""
    edited = [p.replace("said", "says").replace("program", "initiative") for p in WIRE]
    del edited[5]
    edited.append("The Stockton Evening Compass contributed to this report.")
    return text(edited)
