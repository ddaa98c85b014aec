"""Which claim of a re-extracted document is which claim already stored: claim identity.

A review belongs to the claim that was reviewed. A claim is known by its document, its text and
its context: its section and the claims just before and after it. When a document changes, each
new claim takes the id of the stored claim with the same text whose context agrees best, if that
pairing is clear both ways; a claim whose counterpart cannot be told apart from another gets a
new id, and the stored claim is superseded (kept with its reviews) rather than guessed at.

Nothing here touches the database: the store hands in what it holds and writes what comes back.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence

from .ids import stable_id


def claim_id(doc_path: str, text: str, occurrence: int) -> str:
    """The id a claim gets when it is new: its document path, text and which repeat it is."""
    return stable_id(doc_path, text, occurrence)


def text_key(text: str) -> str:
    return stable_id(text)


def add_context(rows: Sequence[dict]) -> None:
    """Set ``context_before`` and ``context_after`` of a document's claim rows (in document
    order): a hash of the text of the claim before and after each, None at either end."""
    keys = [text_key(r["text"]) for r in rows]
    for i, row in enumerate(rows):
        row["context_before"] = keys[i - 1] if i > 0 else None
        row["context_after"] = keys[i + 1] if i + 1 < len(keys) else None


# Beyond this many pairs of copies of one sentence, copies pair only where their whole context is
# the same and found once on each side (a sentence repeated hundreds of times in one document).
MAX_COMPARISONS = 250_000
CONTEXT = ("section_path", "context_before", "context_after")


def _agreement(old: Mapping, new: Mapping) -> int:
    """How much of two claims' context is the same: section, claim before, claim after (0–3)."""
    return sum(old[k] == new[k] for k in CONTEXT)


def _pair_same_context(old: Sequence[Mapping], new: Sequence[Mapping], olds: list[int],
                       news: list[int], paired: dict[int, int]) -> None:
    """Pair the copies whose whole context is the same and found once on each side."""
    def once(rows: Sequence[Mapping], indexes: list[int]) -> dict[tuple, int]:
        found: dict[tuple, list[int]] = {}
        for k in indexes:
            found.setdefault(tuple(rows[k][c] for c in CONTEXT), []).append(k)
        return {key: ks[0] for key, ks in found.items() if len(ks) == 1}

    old_once = once(old, olds)
    found = {j: old_once[key] for key, j in once(new, news).items() if key in old_once}
    paired.update(found)
    taken = set(found.values())
    olds[:] = [i for i in olds if i not in taken]
    news[:] = [j for j in news if j not in found]


def _one_best(scores: list[int], candidates: list[int]) -> int | None:
    """The candidate with the highest score, if it is at least 1 and no other has it."""
    top = max(scores)
    return candidates[scores.index(top)] if top >= 1 and scores.count(top) == 1 else None


def pair(old: Sequence[Mapping], new: Sequence[Mapping]) -> dict[int, int]:
    """Pairs ``{index in new: index in old}`` of the same claim.

    Two claims pair when their texts are equal, at least one part of their context agrees, and
    each is the other's one best counterpart among the claims not yet paired. Pairing repeats
    until no pair is clear, so that once a duplicate is placed by its context, the one left of
    a text may pair with the one left of the other side. Ties stay unpaired.
    """
    groups: dict[str, tuple[list[int], list[int]]] = {}
    for i, row in enumerate(old):
        groups.setdefault(row["text"], ([], []))[0].append(i)
    for j, row in enumerate(new):
        if row["text"] in groups:
            groups[row["text"]][1].append(j)
    paired: dict[int, int] = {}
    for olds, news in groups.values():
        if len(olds) > 1 or len(news) > 1:
            _pair_same_context(old, new, olds, news, paired)
        while olds and news and len(olds) * len(news) <= MAX_COMPARISONS:
            scores = {(i, j): _agreement(old[i], new[j]) for i in olds for j in news}
            best_old = {i: _one_best([scores[i, j] for j in news], news) for i in olds}
            best_new = {j: _one_best([scores[i, j] for i in olds], olds) for j in news}
            clear = [(i, j) for i, j in best_old.items() if j is not None and best_new[j] == i]
            if not clear:
                break
            for i, j in clear:  # disjoint: each is the other's one best
                paired[j] = i
                olds.remove(i)
                news.remove(j)
    return paired


def assign(
    doc_path: str,
    rows: Sequence[dict],
    current: Sequence[Mapping],
    earlier: Sequence[Mapping],
    worked_on: Callable[[Iterable[str]], set[str]],
) -> tuple[dict[str, str], set[str]]:
    """Give each of a document's new claim rows (in document order) its id and context.

    ``current`` are the document's stored current claims in document order (``id``, ``text``,
    ``section_path``), ``earlier`` its superseded ones with the context they had (also
    ``context_before``, ``context_after``);
    ``worked_on(ids)`` says which of those ids hold a reviewer's work. A new claim takes the id of
    its current counterpart, else of an earlier version it pairs with (a reverted edit); else a
    new id that no claim still stored holds. The rows' ``id`` on entry is replaced; returns
    ``{id on entry: id now}`` and the ids of the current claims that are gone but must be kept.
    """
    add_context(rows)
    before = [dict(c) for c in current]
    add_context(before)
    ids: dict[int, str] = {j: before[i]["id"] for j, i in pair(before, rows).items()}
    rest = [j for j in range(len(rows)) if j not in ids]
    revived = pair(earlier, [rows[j] for j in rest])
    ids.update({rest[j]: earlier[i]["id"] for j, i in revived.items()})
    gone = {c["id"] for c in current} - set(ids.values())
    kept = worked_on(gone) if gone else set()
    taken = set(ids.values()) | kept | {c["id"] for c in earlier}
    seen: dict[str, int] = {}
    renamed = {}
    for j, row in enumerate(rows):
        n = seen.get(row["text"], 0)
        seen[row["text"]] = n + 1
        if j not in ids:
            while (fresh := claim_id(doc_path, row["text"], n)) in taken:
                n += 1
            ids[j] = fresh
            taken.add(fresh)
        renamed[row["id"]] = ids[j]
        row["id"] = ids[j]
    return renamed, kept
