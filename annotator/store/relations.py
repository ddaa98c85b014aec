"""Where matching meets the database: match keys, candidates, relations, groups, prior verdicts.

Each current claim has a row in ``claim_match_keys``: its match features
(:mod:`annotator.matching`) and the words they reduce to, indexed in ``claim_match_postings``
(which claims hold each word). A claim's candidates are the claims of other documents that share
the most weight of its rarest words (their summed IDF, at most :data:`CANDIDATES`); words held by
more than :data:`COMMON` claims are left out of the query, so the cost of a query stays bounded
as the database grows. :func:`matching.compare` decides each pair; ``claim_relations`` holds the
pairs found, once each (smaller id first). Claims linked by ``same`` form a *match group*,
named by its smallest claim id and kept in ``claim_match_keys.match_group``.

:func:`forget_document` and :func:`update_document` redo one document's rows inside the
transaction that stores it (``extract``); :func:`match_all` redoes everything (``annotator match``).
"""

import functools
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import sqlite_utils

from .. import first_person, match_structure, matching
from . import wordings
from .connection import writing
from .final_review import latest_review_id

CANDIDATES = 12  # candidates compared per claim
QUERY_WORDS = 8  # the rarest words of a claim that find its candidates
COMMON = 300  # a word in more claims than this finds no candidates (see candidates)

Conn = sqlite_utils.Database | sqlite3.Connection

# SQL expressions over a claim ``c``, for the export and the review queue.
# Its match group: the claims of other documents that say the same (None: no other).
GROUP_SQL = "(select k.match_group from claim_match_keys k where k.claim_id = c.id)"
# The current verdict of the latest-reviewed other claim of its group.
PRIOR_VERDICT_SQL = f"""(
    select r2.verdict from claim_match_keys k join claim_match_keys g on g.match_group = k.match_group
      join reviews r2 on r2.claim_id = g.claim_id
    where k.claim_id = c.id and g.claim_id != c.id and r2.verdict is not null
      and r2.id = {latest_review_id("g.claim_id")}
    order by r2.id desc limit 1)"""
# The other documents its group's claims appear in, one per line.
APPEARANCES_SQL = """(
    select group_concat(doc, char(10)) from (
      select distinct g.doc from claim_match_keys k
        join claim_match_keys gk on gk.match_group = k.match_group join claims g on g.id = gk.claim_id
      where k.claim_id = c.id and g.superseded = 0 and g.doc != c.doc order by g.doc))"""


Claim = tuple[str, str, str, list, tuple[str | None, str | None, str | None]]


def _claims(db: Conn, where: str, params: Iterable) -> list[Claim]:
    """(id, document_id, text, [(entity text, label)], (the source it speaks for: canonical name,
    label, the role noun it was read from)) of the current claims matching ``where`` (one document's), in document order; a
    definite role noun source read as the person named just before it (first_person.role_sources)."""
    rows = db.execute(
        f"select c.id, c.document_id, c.text, (select json_group_array(json_array(ce.text, ce.label))"
        f" from claim_entities ce where ce.claim_id = c.id), c.source_canonical, c.source_label,"
        f" c.paragraph_index, c.source from claims c"
        f" where c.superseded = 0 and {where} order by c.start", list(params)).fetchall()
    entities = [json.loads(ents) if ents else [] for _cid, _doc, _text, ents, *_rest in rows]
    spoken = first_person.role_sources([
        (paragraph, source, canonical, label, [t for t, lab in ents if lab == "PERSON"])
        for (*_head, canonical, label, paragraph, source), ents in zip(rows, entities)])
    return [(cid, doc, text, ents, said) for (cid, doc, text, *_rest), ents, said in zip(rows, entities, spoken)]


def _store_keys(db: Conn, claims: list[Claim], structures: Mapping[str, dict | None] | None = None,
                ) -> dict[str, matching.Features]:
    """Store the match keys of ``claims``, which have none (forgotten, or never matched), with their
    wordings (:func:`wordings.wording`); their features.
    ``structures``: the predicates of each claim read from its document's parse (extract); the
    claims without are parsed again from their text (``annotator match``)."""
    structures = dict(structures or {})
    missing = [(cid, text) for cid, _doc, text, _ents, _source in claims if structures.get(cid) is None]
    if missing:
        structures.update(zip([cid for cid, _ in missing], match_structure.parse([t for _, t in missing])))
    found = {}
    rows = []
    for cid, doc, text, ents, source in claims:
        f = found[cid] = matching.features(text, ents, structures[cid], source)
        stored = json.dumps(f.to_json(), ensure_ascii=False)
        rows.append((cid, doc, json.dumps(f.keys()), stored, wordings.wording(f, stored)))
    if rows:
        db.execute(
            "insert into claim_match_keys (claim_id, document_id, keys, features, wording) "
            "select json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
            " json_extract(value, '$[3]'), json_extract(value, '$[4]') from json_each(?)",
            [json.dumps(rows, ensure_ascii=False)])
    return found


def _document_frequencies(db: Conn, words: Iterable[str]) -> dict[str, int]:
    words = sorted(set(words))
    if not words:
        return {}
    return dict(db.execute(
        "select word, n from claim_match_words where word in (select value from json_each(?))",
        [json.dumps(words)]).fetchall())


# A claim's candidates: the claims of other documents that hold the most weight of its query words
# (``:query``: each word with its IDF), best first, each with its wording's canonical claim (see
# .wordings: only the first claim of a wording has postings, so they are distinct wordings). The document's own keys are the ids from
# ``:lo`` to ``:hi`` (stored by one statement, so one run of ids), less those in ``:inside``,
# the ids of other documents' keys in that range (none, unless a document's keys were stored
# apart): a range test per posting, where a list of the own ids took a lookup per posting (-17%).
_CANDIDATES = """
    with query(word, weight) as materialized (
      select json_extract(value, '$[0]'), json_extract(value, '$[1]') from json_each(:query))
    select k.claim_id, k.features, coalesce((select w.claim_id from claim_match_keys w where w.wording = k.wording
                                             order by w.claim_id limit 1), k.claim_id) from (
      select key_id, sum(weight) as score from (
        select p.key_id, q.weight from query q join claim_match_postings p on p.word = q.word
        where p.key_id not between :lo and :hi or p.key_id in (select value from json_each(:inside)))
      group by key_id order by score desc, key_id limit :limit) best
    join claim_match_keys k on k.id = best.key_id order by best.score desc, best.key_id"""


def query_words(f: matching.Features, df: Mapping[str, int], own: Mapping[str, int]) -> list[str]:
    """The words that find ``f``'s candidates: its :data:`QUERY_WORDS` rarest words held by at
    most :data:`COMMON` claims, and by a claim of another document (``own``: how many claims of
    its document hold each word). A word of its document alone would find nothing, and would
    take the place of one that does: the more so the fewer documents came before it."""
    known = sorted((n, k) for k in f.keys() if own.get(k, 0) < (n := df.get(k, 0)) <= COMMON)  # noqa: SIM118 -- Features.keys(), not a dict
    return [k for _n, k in known[:QUERY_WORDS]]


def candidates(db: Conn, found: dict[str, matching.Features], document_id: str,
               df: dict[str, int], weight: matching.Weight, held: Mapping[str, int]) -> dict[str, list[tuple[str, matching.Features, str]]]:
    """For each claim of one document (``found``: its features by claim id), the claims of
    other documents that share the most weight of its rarest words, best first (``held``: how
    many claims of the document hold each word, see :func:`query_words`).

    Only words held by at most :data:`COMMON` claims find candidates, so the rows read stay
    bounded however large the database; the claims are ranked by the summed IDF of the words
    they share, and only the best :data:`CANDIDATES` are read from the table. (One query for
    the whole document, ranking with a window function, took half as long again.)
    """
    lo, hi = db.execute("select min(id), max(id) from claim_match_keys where document_id = ?",
                        [document_id]).fetchone()
    inside = json.dumps([r[0] for r in db.execute(
        "select id from claim_match_keys where id between ? and ? and document_id != ?",
        [lo, hi, document_id])] if lo is not None else [])
    own = {"lo": lo if lo is not None else 0, "hi": hi if hi is not None else -1, "inside": inside}
    result: dict[str, list[tuple[str, matching.Features, str]]] = {}
    for cid, f in found.items():
        if not matching.relatable(f):
            result[cid] = []
            continue
        query = [(w, weight[w]) for w in query_words(f, df, held)]
        rows = db.execute(_CANDIDATES, {"query": json.dumps(query), **own, "limit": CANDIDATES}) if query else []
        result[cid] = [(other, _parsed(other, data), canon) for other, data, canon in rows]
    return result


@functools.lru_cache(maxsize=4096)
def _parsed(claim_id: str, data: str) -> matching.Features:
    """A candidate's stored features (the same candidates come up for many claims)."""
    return matching.Features.from_json(json.loads(data))


def _relate(db: Conn, document_id: str, found: dict[str, matching.Features],
            canonical: Mapping[str, str], copied: set[str]) -> list[tuple[str, str, str, float]]:
    """Compare each claim of a document with its candidates; the pairs that relate, smaller id
    first, each claim stood for by its wording's canonical claim (``canonical``, from
    :func:`wordings.attach`; a claim of no wording stands for itself). Words are weighted by their IDF over the claims in the index (its largest id: their
    number, near enough, read from the index rather than counted)."""
    n = db.execute("select coalesce(max(id), 0) from claim_match_keys").fetchone()[0]
    df = _document_frequencies(db, {k for f in found.values() for k in f.keys()})  # noqa: SIM118 -- Features.keys(), not a dict
    weight = matching.idf(df, n)
    held = Counter(k for f in found.values() for k in f.keys())  # noqa: SIM118 -- Features.keys(), not a dict
    compared = candidates(db, {c: f for c, f in found.items() if c not in copied}, document_id, df, weight, held)
    distinct = {other: g for cands in compared.values() for other, g, _w in cands}  # a candidate of many
    unknown = set().union(*(g.words for g in distinct.values())) - df.keys()
    df.update(_document_frequencies(db, unknown))
    pairs: dict[tuple[str, str], tuple[str, float]] = {}
    for cid, cands in compared.items():
        f, mine = found[cid], canonical.get(cid, cid)
        for _other, g, other in cands:
            relation, score = matching.compare(f, g, weight)
            if relation:
                pairs[(min(mine, other), max(mine, other))] = (relation, round(score, 4))
    return [(a, b, rel, score) for (a, b), (rel, score) in pairs.items()]


def _store_relations(db: Conn, rows: list[tuple[str, str, str, float]]) -> None:
    if rows:
        db.execute(
            "insert or replace into claim_relations (claim_id, other_id, relation, score) "
            "select json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') from json_each(?)",
            [json.dumps(rows)])


# The claims linked to one by "same", directly or not: its match group.
_COMPONENT = """
    with recursive component(id) as (
      select :id
      union
      select r.other_id from claim_relations r join component c on r.claim_id = c.id
        where r.relation = 'same'
      union
      select r.claim_id from claim_relations r join component c on r.other_id = c.id
        where r.relation = 'same')
    select id from component"""


def _regroup(db: Conn, claim_ids: Iterable[str]) -> None:
    """Recompute the match groups of ``claim_ids`` and of every claim linked to them."""
    seen: set[str] = set()
    for start in claim_ids:
        if start in seen:
            continue
        component = {r[0] for r in db.execute(_COMPONENT, {"id": start})}
        seen |= component
        group = min(component) if len(component) > 1 else None
        db.execute("update claim_match_keys set match_group = ? where claim_id in "
                   "(select value from json_each(?)) and match_group is not ?",
                   [group, json.dumps(sorted(component)), group])


def _components(pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    """The connected sets of the graph whose edges are ``pairs`` (union-find)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = x = parent[parent[x]]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    sets: dict[str, set[str]] = {}
    for x in parent:
        sets.setdefault(root(x), set()).add(x)
    return list(sets.values())


def _join_groups(db: Conn, pairs: list[tuple[str, str]], new: Iterable[str]) -> None:
    """Join the match groups that a new document's ``same`` pairs link (``new``: its claims,
    which are in no group yet). Each claim of another document stands for its group, named by
    its smallest claim id, so the groups joined by the pairs are the connected sets of that
    graph, each named by its smallest member: no other relation need be read."""
    new = set(new)
    others = sorted({c for pair in pairs for c in pair} - new)
    group_of = dict(db.execute(
        "select claim_id, match_group from claim_match_keys where claim_id in (select value from json_each(?))"
        " and match_group is not null", [json.dumps(others)]).fetchall())
    joined = {m: min(members) for members in _components(
        (group_of.get(a, a), group_of.get(b, b)) for a, b in pairs) for m in members}
    if not joined:
        return
    # A claim named as a member takes its set's group, and so do the claims of a group named
    # as one (two statements, so that each reads its own index).
    renamed = json.dumps(joined)
    for column in ("claim_id", "match_group"):
        db.execute(f"update claim_match_keys set match_group = g.value from json_each(:renamed) g"
                   f" where claim_match_keys.{column} = g.key and claim_match_keys.match_group is not g.value",
                   {"renamed": renamed})


def stale(db: Conn) -> bool:
    """Whether some stored match features have another shape than this version's (see
    :data:`matching.FEATURES_VERSION`): they, and the relations found with them, need redoing."""
    return db.execute(
        "select exists (select 1 from claim_match_keys where json_extract(features, '$.v') is not ?)",
        [matching.FEATURES_VERSION]).fetchone()[0] == 1


def enabled(db: Conn) -> bool:
    """Whether matching is on in this database: an earlier ``annotator match`` or ``extract
    --match`` stored match keys."""
    return db.execute("select exists (select 1 from claim_match_keys)").fetchone()[0] == 1


def forget_document(db: Conn, document_id: str) -> list[str]:
    """Drop the match keys and relations of one document's claims, before it is stored anew;
    the claims of other documents whose match groups they were in (for :func:`update_document`)."""
    in_doc = "(select id from claims where document_id = ?)"
    grouped = [r[0] for r in db.execute(
        "select claim_id from claim_match_keys where match_group in (select match_group from "
        f"claim_match_keys where claim_id in {in_doc} and match_group is not null)"
        " and document_id != ?", [document_id, document_id])]
    wordings.forget(db, document_id)
    worded = [r[0] for r in db.execute(f"select wording from claim_match_keys where claim_id in {in_doc}"
                                       " and wording is not null", [document_id])]
    for column in ("claim_id", "other_id"):  # one at a time, so each uses its index
        db.execute(f"delete from claim_relations where {column} in {in_doc}", [document_id])
    db.execute(f"delete from claim_match_keys where claim_id in {in_doc}", [document_id])
    wordings.hand_over(db, worded)
    return grouped


def update_document(db: Conn, document_id: str, grouped: Iterable[str] = (),
                    structures: Mapping[str, dict | None] | None = None) -> int:
    """Match one document's current claims against the database; the number of relations.

    ``grouped`` are the claims :func:`forget_document` returned, whose groups are redone too;
    ``structures`` the predicates of its claims by claim id, from the parse (the claims without
    are parsed again).
    Call :func:`forget_document` first, and both inside the transaction that stores the
    document, so all of it lands or none.
    """
    claims = _claims(db, "c.document_id = ?", [document_id])
    rows, same = _match(db, document_id, claims, structures)
    grouped, mine = list(grouped), {cid for cid, *_rest in claims}
    if grouped:  # the document changed: the groups it was in may come apart
        _regroup(db, [*grouped, *(c for pair in same for c in pair if c in mine)])
    else:  # a claim linked to none stays in no group
        _join_groups(db, same, mine)
    return len(rows)


def _match(db: Conn, document_id: str, claims: list[Claim], structures: Mapping[str, dict | None] | None,
           ) -> tuple[list[tuple[str, str, str, float]], list[tuple[str, str]]]:
    """Store the match keys of a document's claims, link those worded as claims stored before
    (:func:`wordings.attach`) and match the others; the relations found and the ``same`` pairs."""
    found = _store_keys(db, claims, structures)
    copied, linked, canonical = wordings.attach(db, document_id)
    rows = _relate(db, document_id, found, canonical, copied)
    _store_relations(db, rows)
    return rows, linked + [(a, b) for a, b, rel, _ in rows if rel == "same"]


def _arrival(db: Conn) -> list[str]:
    """The documents of the current claims in the order their match keys were stored (extract
    stores a document's keys when it stores the document; a changed document's come last), those
    without keys after them in name order. The parse each claim's stored features hold, where
    they have this version's shape (the parse extract made of the document), with the speaker it
    was read as said by, is kept aside in ``temp.match_parses`` (in SQLite: a million claims'
    parses would not fit in memory) for :func:`_parses`."""
    db.execute("drop table if exists temp.match_parses")
    db.execute(
        "create temp table match_parses as select document_id, claim_id,"
        " json_array(json_extract(features, '$.x'), json_extract(features, '$.sp')) as parse"
        " from claim_match_keys where json_extract(features, '$.v') = ?", [matching.FEATURES_VERSION])
    db.execute("create index temp.match_parses_document on match_parses(document_id)")
    order = [r[0] for r in db.execute(
        "select document_id from claim_match_keys group by document_id order by min(id)")]
    known = set(order)
    order += [r[0] for r in db.execute(
        "select distinct document_id from claims where superseded = 0 order by document_id") if r[0] not in known]
    return order


def _parses(db: Conn, document_id: str, claims: list[Claim]) -> dict[str, dict]:
    """The stored parse of each of a document's claims, as :func:`first_person.said_by` was given it."""
    stored = {cid: json.loads(parse) for cid, parse in db.execute(
        "select claim_id, parse from temp.match_parses where document_id = ?", [document_id])}
    return {cid: first_person.as_parsed(stored[cid][0], stored[cid][1], source[1])
            for cid, _doc, _text, _ents, source in claims if cid in stored}


def match_all(db: sqlite_utils.Database, progress: Callable[[int], None] | None = None,
              documents: list[str] | None = None) -> dict[str, int]:
    """Redo the match keys, relations and groups of every current claim, a document at a time,
    as ``extract --match`` found them: in the order the documents were stored (:func:`_arrival`),
    each compared with the documents before it, so that each claim has the candidates it had
    when it was stored and the words their weights, and the full result is the incremental one.
    (A claim's candidates are its best :data:`CANDIDATES`: comparing every document with all the
    others, a pair could be found by one way and not the other.) ``documents``: the current
    documents' ids in another order to match them in (dev/match_order.py)."""
    with writing(db):
        stored = _arrival(db)
        if documents is None:
            documents = stored
        elif sorted(documents) != sorted(stored):
            raise ValueError("match_all: documents must be the current documents, each once")
        db.execute("delete from claim_relations")
        db.execute("delete from claim_match_keys")
        for doc in documents:
            claims = _claims(db, "c.document_id = ?", [doc])
            _match(db, doc, claims, _parses(db, doc, claims))
            if progress:
                progress(1)
        db.execute("drop table temp.match_parses")
        _regroup(db, [r[0] for r in db.execute(
            "select claim_id from claim_relations where relation = 'same' union "
            "select other_id from claim_relations where relation = 'same'")])
    return counts(db)


def counts(db: Conn) -> dict[str, int]:
    """Claims matched, relations of each kind, and match groups."""
    same, contradicts = db.execute(
        "select coalesce(sum(relation = 'same'), 0), coalesce(sum(relation = 'contradicts'), 0)"
        " from claim_relations").fetchone()
    groups, grouped = db.execute(
        "select count(distinct match_group), count(match_group) from claim_match_keys").fetchone()
    return {"same": same, "contradicts": contradicts, "groups": groups, "grouped_claims": grouped}
