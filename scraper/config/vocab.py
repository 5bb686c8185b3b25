"""The vocabulary the matcher works from: program taxonomy, city aliases, keywords.

These are pure data models: ``sources.yaml`` carries ``programs:`` and ``cities:``
lists of exactly this shape, and the default vocabulary ships as package data in
``scraper/data/vocabulary.yaml`` (its header documents the phrase syntax and how
each field is used by :mod:`scraper.understand.tags.programs`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

VOCABULARY_FILE = "data/vocabulary.yaml"  # relative to the scraper package


class DescriptionSpec(BaseModel):
    """One component or practice of a program and the phrases that signal it.

    A story that describes a program without naming it ("call-ins", "custom
    notifications", "jobs offered to group members") is tagged when it signals
    more than one component (:mod:`scraper.understand.tags.programs`).
    """

    model_config = ConfigDict(extra="forbid")

    component: str  # "call-in meetings", shown in the evidence
    signals: list[str] = Field(min_length=1)  # phrases, same syntax as cues


class ProgramSpec(BaseModel):
    """One program of the taxonomy and the words that reveal it."""

    model_config = ConfigDict(extra="forbid")

    name: str
    aliases: list[str] = Field(default_factory=list)  # case-insensitive phrases, strong
    names: list[str] = Field(default_factory=list)  # case-sensitive proper names, strong
    acronyms: list[str] = Field(default_factory=list)  # case-sensitive, need context
    exclusions: list[str] = Field(default_factory=list)  # drop matches in their sentence
    context: list[str] = Field(default_factory=list)  # words that vouch for an acronym
    cues: list[str] = Field(default_factory=list)  # weak phrases
    cue_threshold: int = Field(2, ge=0)  # cue hits that tag on their own; 0 = never
    cue_context: list[str] = Field(default_factory=list)  # one needed for a cue-only tag
    yields_to: list[str] = Field(default_factory=list)  # cues ignored when these are found
    requires: list[str] = Field(default_factory=list)  # tagged only along with one of these
    descriptions: list[DescriptionSpec] = Field(default_factory=list)  # components, by signals


class CitySpec(BaseModel):
    """A city as ``"City, ST"`` and the other names a story may use for it."""

    model_config = ConfigDict(extra="forbid")

    name: str  # "York, PA"
    aliases: list[str] = Field(default_factory=list)  # "York City", "NOLA"


@cache
def _vocabulary() -> dict[str, Any]:
    raw = resources.files("scraper").joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise ValueError(f"{VOCABULARY_FILE}: expected a mapping at the top level")
    return data


def default_programs() -> list[ProgramSpec]:
    """The default program taxonomy (fresh objects on every call)."""
    return [ProgramSpec.model_validate(p) for p in _vocabulary().get("programs", [])]


def default_cities() -> list[CitySpec]:
    """The default city aliases ("York City" -> "York, PA", "NOLA", ...)."""
    return [CitySpec.model_validate(c) for c in _vocabulary().get("cities", [])]


def default_keywords() -> list[str]:
    """Organisation and people names that make a story relevant on their own."""
    return [str(k) for k in _vocabulary().get("relevance_keywords", [])]
