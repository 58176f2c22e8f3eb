"""The typed knowledge base: frozen dataclasses whose references are resolved objects."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reference:
    """A published source, taken from the project's verified reference list."""

    id: str
    title: str
    url: str
    kind: str
    finding: str
    authors: str | None = None
    source: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None


@dataclass(frozen=True)
class Condition:
    """A condition or a body region that facets mention (see `kind`)."""

    id: str
    name: str
    kind: str  # "condition" or "region"
    synonyms: tuple[str, ...] = ()
    facets: tuple[Facet, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Term:
    """A glossary entry."""

    id: str
    term: str
    definition: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    """A question a clinician asks to test a facet: one checklist item."""

    id: str
    ask: str
    facet: Facet = field(compare=False, repr=False, default=None)  # type: ignore[assignment]


@dataclass(frozen=True)
class Facet:
    """One way a cause shows up, with its examples, checks and next steps."""

    id: str
    title: str
    summary: str
    explanation: str
    examples: tuple[str, ...]
    checks: tuple[Check, ...]
    next_steps: tuple[str, ...]
    evidence: str
    evidence_note: str
    synonyms: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    regions: tuple[Condition, ...] = ()
    references: tuple[Reference, ...] = ()
    cause: Cause = field(compare=False, repr=False, default=None)  # type: ignore[assignment]
    related: tuple[Facet, ...] = field(default=(), compare=False, repr=False)
    alternatives: tuple[Alternative, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Review:
    """When an entry was last reviewed, and by whom (a role, not a name)."""

    on: str
    by: str


@dataclass(frozen=True)
class Cause:
    """One reason an injection may not relieve pain."""

    id: str
    order: int
    title: str
    summary: str
    overview: str
    reviewed: Review
    facets: tuple[Facet, ...]
    synonyms: tuple[str, ...] = ()
    source: str = field(default="", compare=False)  # the file it came from, e.g. kb/causes/x.yaml

    @property
    def checks(self) -> tuple[Check, ...]:
        """Every check of its facets: this cause's checklist items."""
        return tuple(c for f in self.facets for c in f.checks)

    @property
    def references(self) -> tuple[Reference, ...]:
        """Every reference its facets cite, in first-cited order, without repeats."""
        seen: dict[str, Reference] = {}
        for facet in self.facets:
            for ref in facet.references:
                seen.setdefault(ref.id, ref)
        return tuple(seen.values())


@dataclass(frozen=True)
class FaqEntry:
    """A question and its answer, linked to the causes it concerns."""

    id: str
    question: str
    answer: str
    causes: tuple[Cause, ...]
    facets: tuple[Facet, ...] = ()
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Step:
    """One step of the re-evaluation approach."""

    id: str
    number: int
    title: str
    summary: str
    detail: str
    causes: tuple[Cause, ...]
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """A treatment to consider when a facet applies."""

    id: str
    title: str
    summary: str
    detail: str
    evidence: str
    evidence_note: str
    facets: tuple[Facet, ...]
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Redirect:
    """An old published address and the entry it now leads to."""

    source: str
    target: object
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ChangeItem:
    """One change in a release: what changed, whether it corrects a safety problem, and the entries it touched."""

    text: str
    safety: bool = False
    entries: tuple[object, ...] = ()


@dataclass(frozen=True)
class Change:
    """One release of the KB's content."""

    version: str
    date: str
    changes: tuple[ChangeItem, ...]

    @property
    def safety(self) -> bool:
        """True if the release corrects a clinical safety problem."""
        return any(c.safety for c in self.changes)


@dataclass(frozen=True)
class Meta:
    """The KB's title, version and content changelog."""

    title: str
    version: str
    changelog: tuple[Change, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole validated KB."""

    meta: Meta
    causes: tuple[Cause, ...]
    faq: tuple[FaqEntry, ...]
    steps: tuple[Step, ...]
    alternatives: tuple[Alternative, ...]
    conditions: tuple[Condition, ...]
    regions: tuple[Condition, ...]
    glossary: tuple[Term, ...]
    references: tuple[Reference, ...]
    redirects: tuple[Redirect, ...] = ()

    @property
    def facets(self) -> tuple[Facet, ...]:
        """Every facet, cause by cause."""
        return tuple(f for c in self.causes for f in c.facets)

    def cause(self, cause_id: str) -> Cause:
        """The cause with this id (KeyError if there is none)."""
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        raise KeyError(cause_id)

    @property
    def entries(self) -> tuple[object, ...]:
        """Every entry that has an id and an address: causes, facets, checks, FAQ, steps and the rest."""
        return (*self.causes, *self.facets, *(c for f in self.facets for c in f.checks), *self.faq, *self.steps,
                *self.alternatives, *self.conditions, *self.regions, *self.glossary, *self.references)

    def facets_by_check(self, check_id: str) -> Facet:
        """The facet that owns a checklist item (KeyError if there is none)."""
        for facet in self.facets:
            if any(c.id == check_id for c in facet.checks):
                return facet
        raise KeyError(check_id)

    @property
    def checklist_causes(self) -> tuple[Cause, ...]:
        """Causes in the order the approach examines them; unexamined causes last, by order."""
        ordered: dict[str, Cause] = {}
        for step in self.steps:
            for cause in step.causes:
                ordered.setdefault(cause.id, cause)
        for cause in self.causes:
            ordered.setdefault(cause.id, cause)
        return tuple(ordered.values())
