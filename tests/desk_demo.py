"""A morning on the desk: a dozen invented candidate stories, sources (two failing), an audit trail.

Used by ``tools/desk_screenshots.py`` (the pictures in docs/review.md) and the desk's
browser tests. Every headline, outlet, person and quote is invented; city and
program names are real ones. Stories are analysed by the real analysis, so their
tags, quotes and evidence are what the desk would show for such a text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scraper.config.schema import Config, load_config
from scraper.models import Entry
from scraper.models.stored import FetchRecord
from scraper.pipeline.adapters import source_specs
from scraper.pipeline.collector import story_data
from scraper.understand.analyze import analyze
from storage.review import ReviewStore
from storage.store import Store

MORNING = datetime(2026, 11, 22, 13, 30, tzinfo=UTC)  # 8:30 AM in New York


@dataclass(frozen=True, slots=True)
class When:
    """A publication moment relative to the morning: days before it, and the time of day
    (UTC) the page gave, or None for a page that gave the day only."""

    days_before: int
    at: tuple[int, int] | None = None

    def moment(self, now: datetime) -> datetime:
        day = (now - timedelta(days=self.days_before)).date()
        hour, minute = self.at or (0, 0)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoStory:
    headline: str
    outlet: str
    published: When | None
    paragraphs: tuple[str, ...]
    seen_hours_ago: float = 2.0
    source: str = "google-news-gvi"


STORIES: tuple[DemoStory, ...] = (
    DemoStory(
        "Shootings in York fall for a second year as call-ins continue",
        "York Daily Record",
        When(0, (11, 5)),
        (
            "YORK, Pa. — Shootings in York fell for the second year in a row, city officials "
            "said Friday, crediting the Group Violence Intervention strategy the city "
            "adopted in 2024.",
            "“We told them the violence had to stop, and we offered a way out,” said Police "
            "Chief Dana Whitfield. “Most of them took it.”",
            "The city recorded 31 shootings this year, down from 47. Outreach workers now meet "
            "every young man named at a call-in within a week.",
            "“Nobody here wants to go back to how it was,” added Deacon Harold Vance, who "
            "leads the community moral voice at the call-ins.",
        ),
        seen_hours_ago=1.5,
    ),
    DemoStory(
        "Gary council funds a year of street outreach",
        "Post-Tribune",
        When(1),
        (
            "GARY, Ind. — The city council voted 7-2 on Thursday to fund street outreach "
            "workers for another year under Group Violence Intervention.",
            "“This is a long game, and we are finally playing it,” said council president "
            "Marisol Okafor.",
            "The program was modeled after one in High Point, North Carolina.",
        ),
        seen_hours_ago=20,
    ),
    DemoStory(
        "Youth league adds evening games at the east side rec center",
        "Harbor Weekly",
        None,
        (
            "A youth basketball league will add evening games this winter at the east side "
            "recreation center in Pittsburgh, organizers said.",
            "“Kids need somewhere to be at nine o'clock at night,” said coach Rae Dunn, the "
            "league's founder. The league is one of several programs the city's Group "
            "Violence Intervention partners refer young people to.",
        ),
        seen_hours_ago=0.5,
    ),
    DemoStory(
        "Oakland ceasefire partners mark a quieter fall",
        "East Bay Ledger",
        When(2, (18, 40)),
        (
            "OAKLAND, Calif. — Homicides in Oakland are down a third this year, and the "
            "partners behind Oakland Ceasefire say focused deterrence is the reason.",
            "“We are seeing fewer shootings since the call-ins began,” said Reverend Ola "
            "Baptiste, who has attended every call-in since 2022.",
        ),
        seen_hours_ago=40,
    ),
    DemoStory(
        "Drug market intervention closes an open-air market in Newburgh",
        "Hudson Valley Courier",
        When(3),
        (
            "NEWBURGH, N.Y. — Police and residents said this week that the Drug Market "
            "Intervention has closed the open-air market on Lander Street.",
            "“The corner is quiet for the first time in ten years,” said Lieutenant Amos Reyes.",
        ),
        seen_hours_ago=60,
    ),
    DemoStory(
        "Chicago violence prevention summit draws 300 outreach workers",
        "Lakefront Tribune",
        When(1, (16, 20)),
        (
            "CHICAGO — About 300 outreach workers met on Thursday for a summit on street "
            "outreach and Group Violence Intervention.",
            "“We need each other more than we need new slogans,” said Andre Coleman, the "
            "summit's organizer.",
        ),
        seen_hours_ago=14,
    ),
    DemoStory(
        "Pittsburgh police zone tries a quieter approach to trust",
        "Allegheny Evening Post",
        When(2),
        (
            "PITTSBURGH — Officers in Zone 5 are knocking on doors to listen rather than to "
            "ask questions, part of the National Initiative for Building Community Trust and "
            "Justice.",
            "“It's about winning people over one conversation at a time,” said Commander "
            "Renata Solis.",
        ),
        seen_hours_ago=30,
    ),
    DemoStory(
        "Dallas council hears from mothers who lost sons",
        "North Texas Observer",
        When(4, (22, 10)),
        (
            "DALLAS — Mothers of young men killed in shootings asked the council to keep "
            "paying for Group Violence Intervention outreach.",
            "“Every one of those phone calls matters,” said Gloria Mendez, who lost her son "
            "in 2023.",
        ),
        seen_hours_ago=80,
    ),
    DemoStory(
        "Gary schools add mentors for ninth graders",
        "Post-Tribune",
        When(5),
        (
            "GARY, Ind. — Every ninth grader at two high schools will have a mentor this "
            "year, part of the city's Group Violence Intervention partnership.",
            "“Nobody falls through the cracks if somebody is standing in them,” said "
            "principal Tamara Greene.",
        ),
        seen_hours_ago=100,
    ),
    DemoStory(
        "Stockton budget hearing draws a crowd",
        "Central Valley Record",
        When(1, (23, 15)),
        (
            "STOCKTON, Calif. — Dozens of residents spoke at a budget hearing on Thursday "
            "night about parks, libraries and street lights.",
            "Speakers asked for longer library hours on weekends, for new lights along the "
            "river trail and for a second pool on the south side of the city.",
            "The council will vote on the budget in December. One speaker, a retired teacher, "
            "said the city should study what Group Violence Intervention did elsewhere.",
        ),
        seen_hours_ago=9,
    ),
)

SOURCES_YAML = """\
settings:
  allow_private_networks: true
  timezone: America/New_York
outlets:
  - name: York Daily Record
    city: York, PA
  - name: Post-Tribune
    city: Gary, IN
  - name: Harbor Weekly
sources:
  - id: google-news-gvi
    kind: feed
    url: https://news.example.org/rss/search?q=group+violence+intervention
  - id: york-daily-record
    kind: feed
    url: https://www.example.com/york/feed.xml
    outlet: York Daily Record
  - id: post-tribune
    kind: feed
    url: https://www.example.net/post-tribune/rss
    outlet: Post-Tribune
  - id: harbor-weekly
    kind: feed
    url: https://harbor.example.org/news/feed/
    outlet: Harbor Weekly
  - id: valley-record-old-feed
    kind: feed
    url: https://valley.example.com/old/rss.xml
"""


def demo_config(folder: Path) -> Config:
    path = folder / "sources.yaml"
    path.write_text(SOURCES_YAML, encoding="utf-8")
    return load_config(path)


def add_morning(store: Store, config: Config, *, now: datetime = MORNING) -> list[int]:
    """Store the demo stories (analysed), the sources' health and a little audit trail."""
    ids: list[int] = []
    for i, demo in enumerate(STORIES):
        url = f"https://news.example.org/{i + 1}/{demo.headline.lower().replace(' ', '-')[:40]}"
        text = "\n\n".join(demo.paragraphs)
        published = demo.published.moment(now) if demo.published else None
        entry = Entry(url=url, title=demo.headline, published=published, summary=text)
        analysis = analyze(url=url, config=config, entry=entry, outlet=demo.outlet)
        seen = now - timedelta(hours=demo.seen_hours_ago)
        data = story_data(
            analysis, url=url, entry=entry, source_id=demo.source, note=None, now=seen
        )
        _outcome, item_id = store.save_story(data, source_id=demo.source, seen_url=url, now=seen)
        ids.append(item_id)
    store.sync_sources(source_specs(config), now=now - timedelta(days=30))
    failures = {
        "valley-record-old-feed": (404, "HTTP 404 not found", 6),
        "harbor-weekly": (None, "timed out (ReadTimeout)", 2),
    }
    for source in config.sources:
        status, error, count = failures.get(source.id, (200, None, 0))
        for n in range(max(1, count)):
            store.record_fetch(
                FetchRecord(
                    source_id=source.id,
                    url=source.url,
                    started_at=now - timedelta(minutes=12 + 30 * n),
                    duration_ms=420,
                    outcome="error" if error else "ok",
                    status=status,
                    error=error,
                    items_total=0 if error else 20,
                    items_new=0 if error else 4,
                    next_check_at=now + timedelta(minutes=25 if not error else 95),
                )
            )
    review = ReviewStore(store)
    review.record(user="maria", action="login", now=now - timedelta(minutes=40))
    return ids
