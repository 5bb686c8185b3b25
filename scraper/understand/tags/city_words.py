"""The words and patterns around a place name that tell a reader how it is used.

What follows a name ("County", "Police", a surname), what precedes it (a title,
"modeled after one in"), what makes "New York" the state, and the patterns of
datelines, captions and passing mentions. :mod:`scraper.understand.tags.city_mentions`
reads them; they are data, kept apart so the rules stay short.
"""

from __future__ import annotations

import re


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# The word after a place name that makes it something else.
NOT_A_CITY_AFTER = _words(
    "County Counties Township Twp Parish Borough Country Street St Avenue Ave Road Rd "
    "Boulevard Blvd Drive Dr Lane Ln Way Place Pl Court Ct Terrace Highway Hwy Pike Parkway "
    "Pkwy Circle Square Homes Park Trail Expressway Freeway Bridge River Creek Lake Valley "
    "Mountain Mountains Bay Beach Island Islands Sound Harbor Peninsula Plaza Mall Avenues "
    "Streets Roads Apartments Towers Turnpike Bypass Tunnel"
)
# The word after a place name that keeps it a city ("Oakland Police", "Gary Mayor").
CIVIC_AFTER = _words(
    "Police City Mayor Mayor's Council Councilman Councilwoman Councilmember Fire Public "
    "Schools School Chief Municipal Housing Metro Metropolitan Area Officials "
    "Officers Officer Detectives Hall Residents Community Communities Neighborhood "
    "Neighborhoods Region Regional Downtown Commissioner Mayors Transit Unified Public "
    "Parks Library Superintendent"
)
PLACE_PREFIX = _words(
    "North South East West Northeast Northwest Southeast Southwest Downtown Greater Central "
    "Metro Metropolitan Uptown Midtown Historic Old Suburban Inner Urban Rural In At From "
    "The A An And Or Of For To By On With Near Across Outside Inside Like Than But So As "
    "When While After Before Since Until Where Why How What Who If Also"
)
TITLES = _words(
    "Mr Mrs Ms Miss Dr Sgt Capt Lt Col Gen Gov Sen Rep Rev Det Ofc Officer Actor Actress "
    "Singer Coach Judge Justice Pastor Father Sister Brother Professor Prof President "
    "Deputy Sheriff Trooper Cpl Pvt Sir Dame Lord Lady Uncle Aunt"
)
# Capitalised words that are never given names: numbers, determiners, quantifiers.
NOT_GIVEN = _words(
    "One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen "
    "Fifteen Sixteen Seventeen Eighteen Nineteen Twenty Thirty Forty Fifty Hundred Hundreds "
    "Dozen Dozens Thousands Every Each Many Some Several Most All Both Few Other Another "
    "These Those This That Their His Her Our Its My Your No Any Former Longtime Local Nearby "
    "Fellow Veteran Young Younger Older"
)
# "the New York City subway": a lower-case word after "the X" that is no verb or
# function word makes X a modifier, so X is the city itself.
ATTRIBUTIVE = re.compile(
    r" (?!(?:is|was|are|were|has|had|have|will|would|can|could|may|might|should|of|in|on|"
    r"at|to|for|from|by|with|and|or|but|as|that|which|who|where|when|than|itself|"
    r"says|said)\b)[a-z]{3,}\b"
)
OPENS = re.compile(r"(?:[.!?][\"'”’)]*\s+|\n\s*)[\"'“‘(]?$")
SPEECH = re.compile(
    r"\s+(?:said|says|told|tells|added|adds|noted|notes|explained|explains|wrote|"
    r"writes|asked|asks|stated|states|recalled|testified|replied|continued|argued|agreed)\b"
)
# What only a person does right after a name ("Jackson, who grew up ...", "Tyler laughed").
# ", who" only where no preposition stands before the name ("the people of Flint, who").
PERSON_AFTER = re.compile(
    r"\s+(?:laughed|laughs|smiled|smiles|shrugged|shrugs|nodded|nods|sighed|"
    r"joked|jokes|grinned|grins|winked|chuckled)\b"
)
WHO_AFTER = re.compile(r",\s+who\b")
PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|in|at|from|to|for|near|around|across|outside|inside|into|throughout)\s+$"
)
SAID_BEFORE = re.compile(r"\b(?:said|says|told|asked|according to)\s*$")
PASSING_BEFORE = re.compile(
    r"\b(?:originat\w* in|started in|began in|begun in|born in|pioneered in|developed in|"
    r"first \w+ in|model(?:l)?ed (?:after|on)|model(?:l)?ed \w+ (?:\w+ )?after|patterned after|"
    r"based on|after (?:one|those|that|the one) in|borrowed from|imported from|copied from|"
    r"cities (?:like|such as|including)|places (?:like|such as)|such as|based (?:in|at)|"
    r"headquartered in|(?:College|University|Institute|School)\b[^.;]{0,60}?\bin|"
    r"travel(?:l)?ed from|came from|moved from|grew up in|native of|"
    r"conference in|convention in|replicat\w+ in|hospitals? in|medical center in|"
    r"hospitali[sz]ed in|like|[Uu]nlike|"
    # a person's home town in an appositive: ", a retired teacher from Austin"
    r",\s+an?\s+(?:[\w'’-]+\s+){0,5}?(?:from|of))\s+(?:the\s+)?$"
)
PASSING_SENTENCE = re.compile(
    r"\b(?:other (?:cities|sites|pilot|communities|jurisdictions|places)|among (?:the )?"
    r"(?:other )?(?:cities|sites)|cities across the country|cities like|cities such as)\b",
    re.IGNORECASE,
)
CAPTION = re.compile(
    r"\b(?:photo|photograph|pictured|seen here|from left|file image)\b"
    r"|\((?:left|right|AP|AFP)\)(?!\s*(?:—|–|--|-))"  # "HARTFORD (AP) —" is a dateline
    r"|Getty Images|COURTESY",
    re.IGNORECASE,
)
CITY_NOUN_AFTER = re.compile(
    r"\s+(?:area|region|community|communities|neighborhoods?|police|mayor|city|metro|suburbs|"
    r"residents?|officials|council|schools|department|streets|native|chapter|office|branch)\b"
)
HISTORY = re.compile(r"\s*(?:Back )?(?:In|By) (?:the )?(?:1[89]|20)\d\ds?\b")
NEIGHBOR_BEFORE = re.compile(r"\b(?:neighbou?ring|nearby|adjacent|next-door)\s+$", re.IGNORECASE)
LIST_LEAD = re.compile(r"^\W*(?:[\w'’-]+\s+){0,3}[\w'’-]+\s*(?:—|–|--|:)\s*$")
LOOKBEHIND = 200  # characters before a mention that its context is read from
LIST_GLUE = re.compile(r"^(?:\s*(?:,|;|and|or|&)\s*)+$")
DATELINE_AFTER = re.compile(r"\s*(?:—|–|--|-|>>|\(|:|,)")


# Words around "New York" that make it the state, not the city.
STATE_BEFORE = re.compile(
    r"\b(?:upstate|downstate|western|central|northern|eastern|southern|rural|across|"
    r"statewide|State of|state of)\s+$"
)
STATE_AFTER = re.compile(
    r"\s+(?:Gov\.?|Governor|governor|lawmakers|legislators|[Ll]egislature|Assembly|"
    r"State Senate|state senator|Attorney General|attorney general|Comptroller|counties)\b"
)
