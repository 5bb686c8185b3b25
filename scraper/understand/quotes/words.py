"""Word lists for quotation attribution: titles, organisation words, speech verbs.

Kept apart from the logic so the lists can grow without hiding it. All
entries are lower case; a trailing period is not part of a word.
"""

from __future__ import annotations


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


ABBREVIATIONS = _words(
    """
    a.m apr atty aug ave blvd cap capt cmdr co col corp d.c dec det dr feb gen gov hon inc
    insp jan jr jul jun lt maj mar mr mrs ms no nov oct p.m pres prof rep rev sen sep sept
    sgt sr st supt u.s vs
    """
)

TITLES = _words(
    """
    acting activist actor actress advocate agent alderman alderwoman ambassador analyst
    anchor assemblyman assemblywoman assistant associate attorney atty author bishop
    brother cap capt captain ceo cfo chair chairman chairwoman chancellor chief city cmdr
    coach col colonel columnist commander commissioner congressman congresswoman constable
    coordinator coroner corporal councillor councilman councilor councilwoman county cpl
    criminologist daughter delegate deputy det detective director district doctor dr dr.
    economist editor executive father federal founder gen general gov governor host
    husband imam insp inspector interim international investigator judge justice leader
    lieutenant lieutenant-governor lt magistrate maj major manager marshal mayor member
    minister miss mother mr mrs ms national officer organizer pastor police pollster
    premier pres president president-elect principal producer prof professor prosecutor
    rabbi regional rep reporter representative researcher resident rev reverend secretary
    sen senator senior sergeant sgt sheriff singer sister solicitor son speaker special
    spokesman spokesperson spokeswoman state superintendent supt town trooper u.s.
    undersheriff vice village volunteer wife
    councilmember alderperson ald selectman selectwoman selectperson charge
    neighbor neighbour homeowner landlord tenant parent grandmother grandfather nurse
    teacher student owner barber longtime lifelong retired retiree survivor
    representatives senators reps sens congressmen congresswomen assemblymen
    assemblywomen governors mayors commissioners councilmen councilwomen councilmembers
    officers detectives deputies chiefs judges delegates
    """
)

ORG_WORDS = _words(
    """
    academy act administration agency airport alliance associated association authority
    avenue award bank board boulevard building bureau campaign ceasefire center centre
    channel church city club coalition college commission committee company conference
    congress corp corporation council county court daily day democrats department dept
    district division federation festival force foundation fund gazette group herald
    hospital house inc initiative institute intervention jail journal league library llc
    magazine ministries ministry museum nation network news office operation partnership
    party police post precinct press prison prize program programme project radio region
    report republicans reuters road school senate service services society square star
    state station strategy street study summit sun team television times township tribune
    trust tv union unit university week weekly
    """
)

STOPWORDS = _words(
    """
    a about after although an and april as at august because before but by december during
    february for friday from he her his i if in into it its january july june march may
    monday november october of on or our over saturday september she since sunday that the
    their these they this those thursday to today tomorrow tuesday under we wednesday when
    while with yesterday you many most some all several few both each every other such
    more any
    """
)

PLACE_PREFIXES = _words(
    """
    central downtown east eastern fort greater las los lower mount new north northern port
    saint san santa south southern st upper west western
    """
)

PARTICLES = _words(
    """
    al bin da de del della den der di du ibn la le st. van von
    """
)

MALE_WORDS = _words(
    """
    brother father he him himself his husband man mr mr. son
    """
)

FEMALE_WORDS = _words(
    """
    daughter her hers herself miss mother mrs mrs. ms ms. she sister wife woman
    """
)


def _conjugate(bases: str) -> frozenset[str]:
    """Regular verb forms but the bare one (often a noun: "state", "report").

    ``"argue"`` -> argues argued arguing.
    """
    out: set[str] = set()
    for v in bases.split():
        if v.endswith("e"):
            ed, ing = v + "d", v[:-1] + "ing"
        elif v.endswith("y") and v[-2] not in "aeiou":
            ed, ing = v[:-1] + "ied", v + "ing"
        else:
            ed, ing = v + "ed", v + "ing"
        s3 = (
            v[:-1] + "ies"
            if ed.endswith("ied")
            else v + ("es" if v.endswith(("sh", "ch", "ss", "x")) else "s")
        )
        out.update((s3, ed, ing))
    return frozenset(out)


# "called" and "described" introduce quoted names and fragments ("what he called
# a 'sea change'"), which are quotations of the subject too.
SPEECH_VERBS = _conjugate(
    """
    acknowledge add admit advise agree allege announce answer argue ask assert boast call
    caution charge chide claim comment complain concede conclude confirm contend continue
    counter declare describe emphasise emphasize estimate exclaim explain insist joke
    lament maintain mention muse note observe plead post predict promise quip recall
    recount reflect reiterate remark repeat reply report respond scream shout state stress
    suggest testify tweet urge vow warn whisper yell
    """
) | _words(
    """
    say says said saying tell tells told telling write writes wrote writing admitted
    admitting agreeing add ask explain warn insist argue agree recall
    """
)

INDEFINITE = _words(
    """
    a an another one some somebody someone
    """
)

CONJUNCTIONS = _words(
    """
    also and as but so then while yet
    """
)

NP_STOP = _words(
    """
    about after as at because before during for from in of on since that to when which
    while who whose with
    """
)

DETERMINERS = _words("the a an this that these those")
# people named by their relation to someone: "an aide to Sen. Ann Lee"
PERSON_NOUNS = _words(
    """
    aide aides lawyer lawyers friend friends relative relatives staffer staffers colleague
    colleagues cousin supporter supporters man woman person neighbor neighbour narrator
    """
)
NOUN_MARKERS = _words("the a an this that these those his her their its our my your one of")

# prepended to TITLES: words that stand before a name but are no part of it
_QUALIFIERS = _words(
    """
    republican democrat democratic gop independent libertarian conservative liberal
    progressive rival former incumbent presidential first lady late then candidate nominee
    """
)
TITLES = TITLES | _QUALIFIERS
ORG_WORDS = ORG_WORDS | _words(
    """
    enforcement security investigations affairs defense defence homeland intelligence
    immigration customs revenue treasury commerce energy transportation agriculture
    interior environmental protection safety emergency management research development
    studies sciences technology grants medicaid medicare
    """
)
MALE_TITLES = _words(
    """
    mr sir spokesman chairman congressman councilman businessman assemblyman alderman
    father brother son husband king prince actor
    """
)
FEMALE_TITLES = _words(
    """
    ms mrs miss madam spokeswoman chairwoman congresswoman councilwoman businesswoman
    assemblywoman alderwoman mother sister daughter wife queen princess actress
    """
)

# "the chief said" names the article's chief: titles a definite description may
# refer back to, with the abbreviations that stand for them
ROLE_TITLES = _words(
    """
    mayor chief sheriff governor senator judge prosecutor commissioner captain sergeant
    lieutenant detective director superintendent president attorney pastor reverend coach
    spokesman spokeswoman spokesperson manager coordinator founder commander inspector
    councilman councilwoman congressman congresswoman secretary minister principal
    professor chairman chairwoman
    """
)
ROLE_ABBREVIATIONS = {
    "capt": "captain",
    "cap": "captain",
    "sgt": "sergeant",
    "lt": "lieutenant",
    "det": "detective",
    "gov": "governor",
    "sen": "senator",
    "rev": "reverend",
    "supt": "superintendent",
    "insp": "inspector",
    "cmdr": "commander",
    "atty": "attorney",
    "prof": "professor",
}
ROLE_MODIFIERS = _words("police city county state district fire deputy assistant executive")
