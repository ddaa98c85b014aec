"""Lines → headings, paragraphs and lists, every block with character offsets into the document.

The plain-text corpus has one paragraph a line. A short line that ends in a period and has no
finite verb is a heading (``Diplomatic relations.``), as is a Markdown ``#`` line; a run of short
lines without sentence punctuation is a list; a lone short unpunctuated line is a title, unless
it states something (a headline such as ``City council accused of hiding …``), when it is a
paragraph. Only paragraphs hold claims, and no sentence crosses a line, because each paragraph
is parsed alone.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

PARAGRAPH = "paragraph"
HEADING = "heading"
LIST_ITEM = "list_item"
TITLE = "title"

HEADING_MAX_WORDS = 10
LIST_MAX_WORDS = 8
SECTION_SEPARATOR = " > "
SECTION_NAME_MAX = 120  # characters of a heading kept in section paths

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_MD_HEADING = re.compile(r"#{1,6}(?=\s)")
_MD_BULLET = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s+")
_CLOSERS = "\"'”’»)]*_`"
_SENTENCE_END = ".!?:;…"


@dataclass
class Block:
    """One non-blank line of a document, classified."""

    kind: str
    start: int  # offsets of the stripped content into the document
    end: int
    text: str
    index: int  # order among the document's blocks
    level: int = 0  # heading level (1 = top)
    section: tuple[str, ...] = field(default_factory=tuple)
    paragraph_index: int | None = None  # order among the document's paragraphs

    @property
    def section_path(self) -> str:
        return SECTION_SEPARATOR.join(self.section)


def lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line's stripped content; blank lines are left out."""
    out = []
    for m in _LINE.finditer(text):
        raw = m.group(0).rstrip("\r\n")
        if not raw.strip():
            if m.end() >= len(text):
                break
            continue
        lead = len(raw) - len(raw.lstrip())
        out.append((m.start() + lead, m.start() + len(raw.rstrip())))
        if m.end() >= len(text):
            break
    return out


def _words(s: str) -> int:
    return len(s.split())


def punctuated(s: str) -> bool:
    return s.rstrip(_CLOSERS).endswith(tuple(_SENTENCE_END))


def _heading_candidate(s: str) -> bool:
    """Short, one sentence, ending in a period."""
    core = s.rstrip(_CLOSERS)
    if not s.endswith(".") and not core.endswith("."):
        return False
    if _words(s) > HEADING_MAX_WORDS or core.endswith(".."):
        return False
    body = core[:-1]
    return not re.search(r"[.!?]\s+[A-Z\"“]", body)


def segment(
    text: str,
    has_finite_verb: Callable[[Sequence[str]], Sequence[bool]] | None = None,
) -> list[Block]:
    """Split ``text`` into classified blocks with section paths.

    ``has_finite_verb`` answers, for a batch of short lines, which state something: a finite
    verb, or on a line without sentence punctuation a headline's passive (the pipeline asks the
    spaCy tagger). Without it every short line ending in a period is a paragraph and every
    lone short line without one a title.
    """
    blocks: list[Block] = []
    for i, (start, end) in enumerate(lines(text)):
        s = text[start:end]
        md = _MD_HEADING.match(s)
        if md:
            content = s[md.end():].strip().rstrip("#").strip()
            if content:
                off = start + s.index(content, md.end())
                blocks.append(Block(HEADING, off, off + len(content), content, i, level=md.end()))
                continue
        bullet = _MD_BULLET.match(s)
        if bullet and s[bullet.end():].strip():
            start += bullet.end()
            s = text[start:end]
            blocks.append(Block(PARAGRAPH if punctuated(s) else LIST_ITEM, start, end, s, i))
            continue
        blocks.append(Block(PARAGRAPH, start, end, s, i))

    _mark_lists(blocks)
    _mark_headings(blocks, has_finite_verb)
    _assign_sections(blocks)
    return blocks


def _short_unpunctuated(b: Block) -> bool:
    return b.kind in (PARAGRAPH, LIST_ITEM) and _words(b.text) <= LIST_MAX_WORDS and not punctuated(b.text)


def _mark_lists(blocks: list[Block]) -> None:
    i = 0
    while i < len(blocks):
        if not _short_unpunctuated(blocks[i]):
            i += 1
            continue
        j = i
        while j < len(blocks) and _short_unpunctuated(blocks[j]):
            j += 1
        kind = LIST_ITEM if j - i >= 2 or blocks[i].kind == LIST_ITEM else TITLE
        for b in blocks[i:j]:
            b.kind = kind
        i = j


def _mark_headings(
    blocks: list[Block], has_finite_verb: Callable[[Sequence[str]], Sequence[bool]] | None
) -> None:
    """Verbless heading candidates become headings; titles that state something, paragraphs."""
    if has_finite_verb is None:
        return
    heads = [b for b in blocks if b.kind == PARAGRAPH and _heading_candidate(b.text)]
    titles = [b for b in blocks if b.kind == TITLE]
    if not heads and not titles:
        return
    for b, finite in zip(heads + titles, has_finite_verb([b.text for b in heads + titles])):
        if b.kind == PARAGRAPH and not finite:
            b.kind = HEADING
        elif b.kind == TITLE and finite:  # a headline that is a sentence: a claim to check
            b.kind = PARAGRAPH


def _assign_sections(blocks: list[Block]) -> None:
    """Give every block the path of the headings above it.

    Markdown headings carry their level. A plain heading carries none: right after another
    heading it opens a subsection of it, unless that heading is itself such a subsection (two
    plain headings in a row are evidence of one more level, a run of them of no more); after
    content it is a sibling of the deepest open section. So a path has at most seven names,
    each cut to ``SECTION_NAME_MAX`` characters, however many short verbless lines a text has.
    """
    stack: list[tuple[int, str, bool]] = []  # level, name, a plain subsection
    previous: Block | None = None
    n_paragraphs = 0
    for b in blocks:
        if b.kind == HEADING:
            name = b.text.rstrip(".").strip().strip("\"“”") or b.text
            if len(name) > SECTION_NAME_MAX:
                name = name[: SECTION_NAME_MAX - 1] + "…"
            sub = False
            if b.level:  # Markdown
                level = b.level
            elif not stack:
                level = 1
            elif previous is not None and previous.kind == HEADING and not stack[-1][2]:
                level, sub = stack[-1][0] + 1, True
            else:
                level, sub = stack[-1][0], stack[-1][2]
            while stack and stack[-1][0] >= level:
                stack.pop()
            b.level = level
            stack.append((level, name, sub))
        elif b.kind == PARAGRAPH:
            b.paragraph_index = n_paragraphs
            n_paragraphs += 1
        b.section = tuple(name for _, name, _ in stack)
        previous = b
