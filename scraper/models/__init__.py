"""The shared vocabulary of clippings: the records that pass between layers, and its errors.

Everything in this package is plain data with no behaviour that touches the
network, the database or the configuration, so every layer may import it:

- ``records``: what the stages pass along (``Entry`` -> ``Article`` -> ``Analysis``);
- ``stored``: what goes into storage and comes back out of it (``StoryData``,
  ``SourceState``, ``FetchRecord``, ``ItemRecord``...);
- ``errors``: the one exception tree (drawn in its docstring).

``from scraper.models import Entry`` works for the stage records.
"""

from scraper.models.records import (
    Analysis,
    Article,
    Entry,
    Evidence,
    EvidenceField,
    EvidenceKind,
    LinkRecord,
    Quote,
    Suggestion,
    SuggestionKind,
)

__all__ = [
    "Analysis",
    "Article",
    "Entry",
    "Evidence",
    "EvidenceField",
    "EvidenceKind",
    "LinkRecord",
    "Quote",
    "Suggestion",
    "SuggestionKind",
]
