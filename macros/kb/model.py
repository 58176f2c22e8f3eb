"""The typed knowledge base: frozen dataclasses whose references are resolved objects.

One class per kind of entry (the registry in kinds.py says where each comes from and goes). Field
names are the YAML keys. Fields marked `compare=False` are filled in after construction: parents
(a facet's cause), back-links (the facets that name a condition) and the other side of symmetric links.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Entry = object  # any entry of any kind
URGENCY_ORDER = ("emergency", "same-day", "urgent", "routine")
# The checklist's site choices, in the order offered; regions.yaml maps each region to one.
JOINTS = {"knee": "Knee", "hip": "Hip", "shoulder": "Shoulder", "elbow": "Elbow", "hand-wrist": "Hand and wrist",
          "spine": "Spine", "foot-ankle": "Foot and ankle"}


def later(default: object = ()) -> object:
    """A field the builder fills in after every entry exists (parents, back-links)."""
    return field(default=default, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class Reference:
    """A published source, taken from the project's verified reference list (its editors' note left out)."""

    id: str
    title: str
    authors: str | None = None
    source: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str
    kind: str
    finding: str
    cited_by: tuple[Entry, ...] = later()


@dataclass(frozen=True, kw_only=True)
class Condition:
    """A condition that facets mention."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    facets: tuple[Facet, ...] = later()


@dataclass(frozen=True, kw_only=True)
class Region:
    """A body region that facets, red flags and sites concern."""

    id: str
    name: str
    joint: str | None = None  # the checklist's site choice (a key of JOINTS); None for the whole body
    synonyms: tuple[str, ...] = ()
    facets: tuple[Facet, ...] = later()
    sites: tuple[Site, ...] = later()


@dataclass(frozen=True, kw_only=True)
class Term:
    """A glossary entry."""

    id: str
    term: str
    definition: str
    synonyms: tuple[str, ...] = ()


# A checklist item's answers by scheme, as (value, word): the first is the finding that points to the cause ("Yes"
# always means that finding), the second its absence. Both schemes also offer Not assessed and N/A. `found` is the
# word the summary puts before a label marked with the first answer: a fact marked Yes is a finding, not a probability.
ANSWERS = {
    "fact": {"answers": (("yes", "Yes"), ("no", "No")), "found": "Found", "not_found": "Not found"},
    "judgement": {"answers": (("likely", "Likely"), ("unlikely", "Unlikely")), "found": "Likely", "not_found": "Unlikely"},
}


@dataclass(frozen=True, kw_only=True)
class Check:
    """A question a clinician asks to test a facet: one checklist item."""

    id: str
    ask: str
    label: str
    key_step: str
    answer: str = "judgement"  # the answer scheme: "fact" (Yes / No) or "judgement" (Unlikely / Likely); see ANSWERS
    regions: tuple[Region, ...] = ()  # empty: the item applies at every site
    facet: Facet = later(None)  # type: ignore[assignment]

    @property
    def joints(self) -> tuple[str, ...]:
        """The checklist site choices this item concerns, in JOINTS order; empty when it concerns every site."""
        mine = {region.joint for region in self.regions}
        return tuple(joint for joint in JOINTS if joint in mine)


@dataclass(frozen=True, kw_only=True)
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
    evidence_claim: str | None = None
    evidence_note: str
    misconception: str | None = None
    related: tuple[Facet, ...] = field(default=(), compare=False, repr=False)
    conditions: tuple[Condition, ...] = ()
    regions: tuple[Region, ...] = ()
    synonyms: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    cause: Cause = later(None)  # type: ignore[assignment]
    alternatives: tuple[Alternative, ...] = later()
    red_flags: tuple[RedFlag, ...] = later()
    sites: tuple[Site, ...] = later()


@dataclass(frozen=True, kw_only=True)
class Review:
    """An entry's clinical review: draft or reviewed, when and by whom (a role, not a name), and when next due."""

    on: str
    by: str
    next: str = ""  # required in the YAML (schema); empty only in entries made by hand in tests
    status: str = "draft"

    @property
    def done(self) -> bool:
        """True once a clinical review is recorded; a draft has only had an editorial check."""
        return self.status == "reviewed"


UNREVIEWED = Review(on="", by="", status="draft")  # an entry with no review record


@dataclass(frozen=True, kw_only=True)
class ReviewState:
    """Where an entry's review stands against its text now (macros/kb/review.py): for the editors, never exported."""

    recorded: str  # the status its record gives ("reviewed", "draft"), "" with no record
    fingerprint: str  # of the text as it stands
    reviewed_fingerprint: str = ""  # the one recorded with the review
    on: str = ""
    by: str = ""
    next: str = ""
    file: str = ""
    line: int = 1

    @property
    def changed(self) -> bool:
        """True if the text was edited after its clinical review (or the review names no text)."""
        return self.recorded == "reviewed" and self.reviewed_fingerprint != self.fingerprint

    @property
    def done(self) -> bool:
        """True while the recorded review covers the text as it stands."""
        return self.recorded == "reviewed" and not self.changed


@dataclass(frozen=True, kw_only=True)
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
    review: ReviewState | None = field(default=None, compare=False, repr=False)

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


@dataclass(frozen=True, kw_only=True)
class FaqEntry:
    """A question and its answer, linked to the causes it concerns."""

    id: str
    question: str
    answer: str
    synonyms: tuple[str, ...] = ()  # other ways readers ask it: search words, never shown
    causes: tuple[Cause, ...]
    facets: tuple[Facet, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()  # red flags whose action the answer relies on, linked rather than restated
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of the re-evaluation approach."""

    id: str
    number: int = 0  # its place in the approach, from 1
    title: str
    summary: str
    detail: str
    synonyms: tuple[str, ...] = ()  # other words for the step: search words, never shown
    causes: tuple[Cause, ...]
    red_flags: tuple[RedFlag, ...] = ()  # red flags whose action the step relies on, linked rather than restated
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Alternative:
    """A treatment to consider when a facet applies."""

    id: str
    title: str
    summary: str
    detail: str
    synonyms: tuple[str, ...] = ()  # other names for the treatment: search words, never shown
    evidence: str
    evidence_claim: str | None = None
    evidence_note: str
    facets: tuple[Facet, ...]
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Exclusion:
    """A checklist site where a red flag is not asked, and why it cannot arise there."""

    site: str  # a key of JOINTS
    reason: str

    @property
    def site_name(self) -> str:
        """The site as the checklist offers it ("Hand and wrist")."""
        return JOINTS[self.site]


@dataclass(frozen=True, kw_only=True)
class RedFlag:
    """A sign after a failed injection that needs referral before anything else."""

    id: str
    title: str
    signs: str
    ask: str
    urgency: str  # emergency, same-day, urgent or routine
    action: str
    not_at: tuple[Exclusion, ...] = ()  # empty: asked at every site, a site added later included
    facets: tuple[Facet, ...] = ()
    references: tuple[Reference, ...] = ()
    evidence: str | None = None
    # Its clinical review as shown (kb.json carries it from the next content version on), and where it stands.
    reviewed: Review = field(default=UNREVIEWED, compare=False, repr=False)
    review: ReviewState | None = field(default=None, compare=False, repr=False)
    sites: tuple[Site, ...] = later()  # the site table's rows at whose joint it is asked
    regions: tuple[Region, ...] = later()  # the regions of the joints it is asked at (none if every site): for search

    @property
    def urgency_rank(self) -> int:
        """0 for an emergency, 1 same day, 2 urgent, 3 routine: the order red flags are shown in."""
        return URGENCY_ORDER.index(self.urgency)

    @property
    def joints(self) -> tuple[str, ...]:
        """The checklist site choices this red flag is shown for, in JOINTS order; empty (every site) when
        it names no site to leave out."""
        if not self.not_at:
            return ()
        left_out = {exclusion.site for exclusion in self.not_at}
        return tuple(joint for joint in JOINTS if joint not in left_out)


@dataclass(frozen=True, kw_only=True)
class Cell:
    """One cell of the site table: a short statement and the sources for any figure in it."""

    text: str
    references: tuple[Reference, ...] = ()
    site: Site = later(None)  # type: ignore[assignment]


@dataclass(frozen=True, kw_only=True)
class Site:
    """A common injection site: guidance, expected course, repeat limits, differentials, red flags, cautions."""

    id: str
    name: str
    region: Region
    guidance: Cell
    onset: Cell
    duration: Cell
    repeat_interval: Cell
    yearly_limit: Cell
    differentials: tuple[Facet, ...] = ()
    # The red flags asked at the site's checklist joint: derived from each red flag's not_at, never listed by hand.
    red_flags: tuple[RedFlag, ...] = later()
    cautions: tuple[Cell, ...] = ()
    refer: Cell
    reviewed: Review = field(default=UNREVIEWED, compare=False, repr=False)
    review: ReviewState | None = field(default=None, compare=False, repr=False)

    @property
    def cells(self) -> tuple[Cell, ...]:
        """Every cell of the row, cautions included."""
        return (self.guidance, self.onset, self.duration, self.repeat_interval, self.yearly_limit,
                *self.cautions, self.refer)


@dataclass(frozen=True, kw_only=True)
class AftercarePoint:
    """One point of the patient's aftercare sheet: a sentence or two in patient words (or a blank's label), its
    sources or its mark as expert opinion, and the checklist sites whose sheet has it (none named: every site)."""

    text: str
    references: tuple[Reference, ...] = ()
    expert_opinion: bool = False
    sites: tuple[str, ...] = ()  # keys of JOINTS
    blank: str | None = None  # drug, site, date, service, phone or review: a line the clinician fills in
    drugs: tuple[str, ...] = ()  # medicine names in the text, left out of the readability measure
    section: AftercareSection = later(None)  # type: ignore[assignment]

    def applies_at(self, joint: str) -> bool:
        """True if this point is on the sheet for the checklist site `joint`."""
        return not self.sites or joint in self.sites


@dataclass(frozen=True, kw_only=True)
class AftercareSection:
    """A section of the aftercare sheet, in print order; safety-netting sections come first and print in a box."""

    id: str
    heading: str
    safety: bool = False
    reviewed: Review
    synonyms: tuple[str, ...] = ()  # lay words readers type for it: search words, never shown
    points: tuple[AftercarePoint, ...]

    def points_at(self, joint: str) -> tuple[AftercarePoint, ...]:
        """The points on the sheet for the checklist site `joint`, in order."""
        return tuple(point for point in self.points if point.applies_at(joint))


@dataclass(frozen=True, kw_only=True)
class TimelineCell:
    """One cell of the response timeline: how the pain answered the local anaesthetic and then the steroid, what
    that pattern suggests, and the facets and red flags to read."""

    id: str
    anaesthetic: str  # a key of ANAESTHETIC_RESPONSES, or "either" for a cell that spans both columns
    steroid: str  # a key of STEROID_RESPONSES
    title: str
    suggests: str
    facets: tuple[Facet, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    cases: tuple[Case, ...] = later()  # the worked cases that show this pattern


# The timeline's columns (the first hours, while the local anaesthetic acts) and rows (the weeks after).
ANAESTHETIC_RESPONSES = {"relief": "Pain eased while the anaesthetic acted",
                         "no-relief": "No relief even while the anaesthetic acted"}
# Worse first: a red flag comes before everything else.
STEROID_RESPONSES = {"worse": "Worse than before the injection", "none": "No relief once the anaesthetic wore off",
                     "shorter": "Relief from the steroid, but shorter each time"}
# The stages of a worked case, in the order they are revealed, each with its heading.
CASE_STAGES = {"ask": "What to ask", "found": "What was found", "reasoning": "The reasoning", "done": "What was done"}
# The self-test's two questions, in order.
CASE_QUESTIONS = {"reason": "What is the most likely reason?", "first": "What should come first?"}


@dataclass(frozen=True, kw_only=True)
class Choice:
    """One answer offered in a case's self-test, with the line of feedback a reader who picks it sees."""

    option: str
    feedback: str
    right: bool = False
    red_flag: str | None = None  # the id of the red flag (one the story holds) that this choice acts on


@dataclass(frozen=True, kw_only=True)
class Question:
    """One self-test question of a case: its choices, exactly one of them right (written by hand, never generated)."""

    choices: tuple[Choice, ...]

    @property
    def answer(self) -> Choice:
        """The right choice."""
        return next(choice for choice in self.choices if choice.right)


def question(value: dict) -> Question:
    """A self-test question from its YAML."""
    return Question(choices=tuple(Choice(**choice) for choice in value["choices"]))


@dataclass(frozen=True, kw_only=True)
class CaseStep:
    """One revealed stage of a worked case (what to ask, what was found, the reasoning, what was done)."""

    id: str
    stage: str  # a key of CASE_STAGES
    text: str
    facets: tuple[Facet, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    sites: tuple[Site, ...] = ()
    case: Case = later(None)  # type: ignore[assignment]

    @property
    def heading(self) -> str:
        """The stage as the page heads it ("What to ask")."""
        return CASE_STAGES[self.stage]

    @property
    def title(self) -> str:
        """The step named with its case, for lists of links ("A knee that never settled: what to ask")."""
        return f"{self.case.title}: {self.heading[0].lower()}{self.heading[1:]}"


@dataclass(frozen=True, kw_only=True)
class Case:
    """A worked case for teaching: a fictional composite story, its stepwise reveals and a self-test."""

    id: str
    title: str
    summary: str
    site: Site
    timeline: TimelineCell
    reviewed: Review
    story: str
    red_flags_present: tuple[RedFlag, ...] = ()  # red flags whose features the story holds: acting on one comes first
    steps: tuple[CaseStep, ...]
    reason: Question
    first: Question
    learning_points: tuple[str, ...]
    evidence: str
    evidence_note: str
    references: tuple[Reference, ...] = ()
    synonyms: tuple[str, ...] = ()  # search words, never shown

    def step(self, stage: str) -> CaseStep:
        """The case's step at this stage ("ask", "found", "reasoning", "done")."""
        return next(s for s in self.steps if s.stage == stage)

    def reading(self, name: str) -> tuple[Entry, ...]:
        """The entries a self-test question's feedback links: for the reason, the reasoning step's red flags and
        facets; for what comes first, the red flags the story holds, then those and the facets of what was done."""
        if name == "reason":
            found = (*self.step("reasoning").red_flags, *self.step("reasoning").facets)
        else:
            done = self.step("done")
            found = (*self.red_flags_present, *done.red_flags, *done.facets)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True, kw_only=True)
class Redirect:
    """An old published address and the entry it now leads to."""

    source: str
    target: Entry
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, kw_only=True)
class SynonymGroup:
    """Words a reader may type for one idea (lay, clinical, abbreviation, other spellings), and its common
    misspellings: wherever an entry uses one of the terms, search finds the entry by any of them. A group marked
    red_flag names a symptom or sign that can mean a red flag: a query that has it opens on the red flag that
    names it."""

    terms: tuple[str, ...]
    misspellings: tuple[str, ...] = ()
    red_flag: bool = False
    # Pairs of region ids: a query naming both regions of a pair ("knee ... hip") also asks about this group.
    two_regions: tuple[list[str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class ChangeItem:
    """One change in a release: what changed, whether it corrects a safety problem, and the entries it touched."""

    text: str
    safety: bool = False
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Change:
    """One release of the KB's content."""

    version: str
    date: str
    changes: tuple[ChangeItem, ...]

    @property
    def safety(self) -> bool:
        """True if the release corrects a clinical safety problem."""
        return any(c.safety for c in self.changes)


@dataclass(frozen=True, kw_only=True)
class Licence:
    """A licence by its short name and the address of its terms."""

    name: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Meta:
    """The KB's title, version, licences (content and code) and content changelog."""

    title: str
    version: str
    changelog: tuple[Change, ...]
    content_licence: Licence
    code_licence: Licence


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole validated KB: its metadata and every entry, kind by kind (see kinds.py)."""

    meta: Meta
    by_kind: dict[str, tuple[Entry, ...]] = field(repr=False)
    redirects: tuple[Redirect, ...] = ()

    def __getattr__(self, name: str) -> tuple[Entry, ...]:
        # kb.causes, kb.faq, kb.references...: each kind's entries, under the attribute its row names.
        from .kinds import KINDS_BY_ATTR

        kind = KINDS_BY_ATTR.get(name)
        if kind is None:
            raise AttributeError(name)
        return self.by_kind.get(kind.name, ())

    def cause(self, cause_id: str) -> Cause:
        """The cause with this id (KeyError if there is none)."""
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        raise KeyError(cause_id)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry that is published at an address, kind by kind in the registry's order."""
        from .kinds import KINDS

        return tuple(e for kind in KINDS if kind.addressed for e in self.by_kind.get(kind.name, ())
                     if kind.is_published(e))

    @property
    def checklist_causes(self) -> tuple[Cause, ...]:
        """The causes as the checklist lists them: in their one order, numbered as everywhere else (the red
        flags come before them all)."""
        return self.causes

    @property
    def draft_causes(self) -> tuple[Cause, ...]:
        """The checklist's causes not yet clinically reviewed, as a cause page decides it (its draft notice)."""
        return tuple(cause for cause in self.checklist_causes if not cause.reviewed.done)
