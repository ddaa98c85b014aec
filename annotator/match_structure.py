"""What a claim's parse says of its structure, for matching (:mod:`annotator.matching`).

Two sentences about one event can share most of their words and say different things of it:
"Tulsa police released video" and "protesters demanded that police release video"; "X served as
director of Y" said outright and in an apposition of a sentence on something else. What tells
them apart is which predicate each *asserts*. :func:`predicates` reads it from a claim's
dependency parse, once, at extract time (the Doc is at hand then; ``annotator match`` parses the
stored text of older claims again):

- its **main** predicates: the root of the claim and what the root's clause asserts through
  conjuncts and clausal complements (``ccomp``, ``xcomp``), past attribution cues ("Trump said
  Obama was the founder of ISIS": *founder*), a copula's complement standing for the copula
  ("X is director": *director*) and a light verb's object for the verb ("give remarks":
  *speech*);
- its **clausal** predicates: those in its other clauses (adverbial, prepositional);
- its **background**: relative clauses, appositions and clauses that modify a noun ("an
  economist who served as director"), unless an attribution cue introduces them ("when he
  claimed Obama was the founder"); what someone demands or hopes (``lexicons/match_unasserted.txt``:
  "demanding that police release video"); questions ("whether he has paid").

Each predicate is the stem of its lemma, synonyms folded as in :func:`matching.features`; verbs
that say little by themselves (*be*, *go*, *get*, *make* ...) give none. For the main and clausal
ones it also reads which are denied ("did not pay", "paid no taxes", "opposed") and their noun
subjects (or personal pronouns: "I pay", read as a person the claim names by
:mod:`annotator.contradictions`) and objects, so that "taxpayers would pay" is not said of Trump
(a light verb's noun is said of what its clause says: "a chance to take them all": *take*).
"""

from functools import cache, lru_cache

from spacy.tokens import Span, Token

from . import contradictions, figures, lexicon, match_words

# Verbs whose object says what is done ("give remarks", "take credit", "hold a rally").
LIGHT_VERBS = frozenset({"give", "make", "take", "have", "deliver", "hold", "do", "get", "offer"})
# Verbs that say little by themselves ("is going to release": release; "got to love": love).
EMPTY_VERBS = LIGHT_VERBS | {"be", "go", "come", "seem", "become", "continue", "try", "begin", "start", "keep", "let"}
_SUBJECT_OBJECT = frozenset({"dobj", "nsubjpass"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_QUESTION = frozenset({"whether", "if"})
# What makes a main predicate no plain assertion of fact: a modal of possibility ("could raise",
# "might have paid") or a condition on it ("if he loses Ohio").
# Only modals of possibility: "will", "would" and "can" also pledge and plan ("I would bring back
# waterboarding", "the speech will be delivered"), which the development gold counts as claims.
_MODALS = frozenset({"could", "may", "might"})
_POSSIBLY = frozenset({"maybe", "perhaps", "possibly"})  # adverbs that say as much ("Maybe the rules apply")
_CONDITIONS = frozenset({"if", "unless"})
# Objects that say nothing of what is acted on by themselves: "I don't like it" denies liking
# something the sentence does not name.
_VAGUE = frozenset({"it", "this", "that", "these", "those"})
# Prepositions whose clause says what a noun is of ("no chance of winning", "an attempt at
# hiding", "a plan for cutting"), not an example of it ("sacrifices, such as creating jobs").
_OF = frozenset({"of", "for", "at", "to", "in", "on", "toward", "towards"})
_MAIN = frozenset({"conj", "ccomp", "xcomp", "parataxis", "pcomp", "prep", "pobj"})  # keep a clause main
_BACKGROUND = frozenset({"relcl", "acl", "appos"})  # what modifies a noun: background
_INTRODUCING = frozenset({"advcl", "acl", "relcl"})  # ... unless it is an attribution cue


@cache
def _cue_verbs() -> frozenset[str]:
    return frozenset(lemma for lemma, pos in lexicon.cues() if pos == "VERB")


@cache
def _unasserted() -> frozenset[str]:
    return lexicon.words("match_unasserted.txt")


def _is_cue(token: Token) -> bool:
    """An attribution cue with a clause for content: what it introduces is the claim."""
    return token.lemma_ in _cue_verbs() and any(c.dep_ in ("ccomp", "xcomp") for c in token.children)


def _stem(token: Token) -> str:
    """A token's stem, synonyms folded ("remarks": speech; "fell": decrease)."""
    return _stem_of(token.text.lower(), token.lemma_.lower(), token.pos_ == "PROPN")


@lru_cache(maxsize=65536)  # the same words come back claim after claim
def _stem_of(word: str, lemma: str, name: bool) -> str:
    concept = _concept(word, lemma, name)
    return match_words.stems([match_words.antonyms().get(concept, concept)])[0] if concept else ""


@lru_cache(maxsize=65536)
def _concept(word: str, lemma: str, name: bool) -> str:
    """The word's concept: its synonym's, or its form's or lemma's (a name keeps its form)."""
    folded = match_words.fold(word).split()
    if folded == [word]:  # no synonym of the form: the lemma's
        folded = match_words.fold(word if name else lemma).split()
    return folded[-1] if folded else ""


def _level(token: Token, span: Span, root: int) -> int:
    """0 for a main predicate of ``span`` (whose root is the token ``root``), 1 for a clausal
    one, 2 for background."""
    level, reported = 0, False
    x = token
    while x.i != root and x.head.i != x.i and span.start <= x.head.i < span.end:
        if x.dep_ == "ccomp" and x.head.lemma_ in _unasserted():
            level = 2  # what is demanded, hoped or feared ("demanding that police release video")
        elif x.dep_ in _MAIN or (x.dep_ in _INTRODUCING and _is_cue(x)):
            pass
        elif x.dep_ in _BACKGROUND:
            level = 2
        else:
            level = max(level, 1)
        reported = reported or (x.dep_ in ("ccomp", "xcomp") and _is_cue(x.head))
        x = x.head
    return min(level, 1) if reported else level


def predicates(span: Span) -> dict:
    """What a claim asserts, as its parse gives it (stems, sorted): ``m`` its main predicates,
    ``c`` its clausal ones, ``b`` its background ones, ``v`` the number of its verbs (none: a
    fragment), ``k`` pairs of [a count's key, the noun it counts] ("67 delegates": [q67,
    deleg]), ``h`` 1 when a main predicate is hedged (a modal, a condition: :func:`_hedged`)
    or the claim is a question, ``n`` the main and clausal predicates it denies, ``s`` and ``o`` pairs of
    [predicate, subject] and [predicate, object] where these are nouns (a subject may be a
    personal pronoun; a passive's subject is its object)."""
    found: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    denied: set[str] = set()
    vague: set[str] = set()  # main and clausal predicates whose object is a pronoun ("don't like it")
    verbs = 0  # the verbs it has, empty ones too (none: a fragment)
    hedged = any(t.text == "?" for t in span[-3:])  # a question (before its closing quotes)
    subjects: set[tuple[str, str]] = set()  # (predicate, the stem of its subject), when a noun
    objects: set[tuple[str, str]] = set()  # (predicate, its object: a passive's subject), when a noun
    root = span.root.i  # spaCy finds it anew at each call
    numbers = []  # the figures that modify a noun ("67 delegates")
    for t in span:
        if t.dep_ == "nummod":
            numbers.append(t)
        if t.pos_ not in ("VERB", "AUX") or t.dep_ in ("aux", "auxpass", "prep") or _is_cue(t):
            continue
        level = _level(t, span, root)
        head = t
        if t.lemma_ == "be":  # "X is director of Y": director
            head = next((c for c in t.children if c.dep_ in ("attr", "acomp")), t)
        words = {_stem(head)} if head.lemma_ not in EMPTY_VERBS else set()
        if t.lemma_ in LIGHT_VERBS or t.lemma_ in _cue_verbs():  # "claimed a loss": loss too
            words.update(_stem(c) for c in t.children if c.dep_ in _SUBJECT_OBJECT and c.pos_ == "NOUN")
        if level < 2 and any(c.dep_ == "mark" and c.lower_ in _QUESTION for c in t.children):
            level = 2  # "whether he has paid taxes" asks, asserts nothing
        verbs += 1
        hedged = hedged or (level == 0 and _hedged(t))
        found[level].update(words)
        if level < 2:
            if _denied(t, head):
                denied.update(words)
            subject = _subject(t)
            if subject is not None:
                subjects.update((w, _stem(subject)) for w in words)
            if any(c.dep_ == "dobj" and c.lower_ in _VAGUE for c in t.children):
                vague.update(words)
            objects.update((w, _object(w, c)) for w in words for c in t.children
                           if c.dep_ in _SUBJECT_OBJECT and c.pos_ in ("NOUN", "PROPN"))
    main, clausal, background = (sorted(s - {""}) for s in found)
    return {"m": main, "c": clausal, "b": background, "v": verbs, "h": int(hedged), "k": _counted(numbers), "n": sorted(denied - {""}),
            "s": sorted([w, subject] for w, subject in subjects if w and subject),
            "o": sorted([w, thing] for w, thing in objects if w and thing), "p": sorted(vague - {""})}


def _counted(numbers: list[Token]) -> list[list[str]]:
    """What each count of a claim (``numbers``: its tokens that modify a noun) counts: [the
    count's key (figures.Quantity.key), the stem of the noun] ("four Americans" and "three
    security agents" count different things)."""
    found: set[tuple[str, str]] = set()
    for t in numbers:
        if t.like_num and t.head.pos_ in ("NOUN", "PROPN"):
            found.update((q.key(), _stem(t.head)) for q in figures.quantities(
                " ".join(x.text for x in t.subtree))[0] if q.unit == "")
    return sorted([k, noun] for k, noun in found if noun)


def _object(predicate: str, noun: Token) -> str:
    """What ``predicate`` is said of, from its noun object: the noun; but where the noun is the
    predicate itself (a light verb's object: "has a chance", "made no attempt") and a clause says
    what it is of, that clause's verb ("has no chance of ever winning the nomination": *win*;
    "has a chance to take them all": *take*): the noun alone would not tell two chances, plans
    or attempts apart."""
    stem = _stem(noun)
    if stem != predicate:
        return stem
    for c in noun.children:
        if c.dep_ == "acl" and c.pos_ == "VERB":
            return _stem(c)
        if c.dep_ == "prep" and c.lower_ in _OF:
            verb = next((g for g in c.children if g.dep_ == "pcomp" and g.pos_ == "VERB"), None)
            if verb is not None:
                return _stem(verb)
    return stem


def _hedged(verb: Token) -> bool:
    """Whether a main predicate is said as possible or on a condition rather than as fact: a
    modal of possibility on it ("could raise", "may have paid"), an adverb that says as much
    ("maybe the rules still apply") or a condition ("if he loses Ohio")."""
    return any((c.dep_ == "aux" and c.lower_ in _MODALS) or (c.dep_ == "advmod" and c.lower_ in _POSSIBLY) or (
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONS for m in c.children))
        for c in verb.children)


def _subject(verb: Token) -> Token | None:
    """A predicate's subject when a noun or a personal pronoun ("I pay federal taxes": *i*, which
    :mod:`annotator.contradictions` reads as a person the claim names): its own, or for a verb
    with none of its own ("hitting Trump for not paying taxes", "Trump used to avoid paying")
    the object, else the subject, of the verb it depends on."""
    for _ in range(3):
        own = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if own:  # a passive's subject is what is acted on: not comparable with an active one's
            subject = own[0]
            noun = subject.pos_ in ("NOUN", "PROPN") or subject.lower_ in contradictions.PERSONAL
            return subject if subject.dep_ == "nsubj" and noun else None
        if verb.dep_ not in ("xcomp", "pcomp", "advcl", "conj"):
            return None
        verb = verb.head.head if verb.dep_ == "pcomp" else verb.head
        objects = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
        if objects:
            return objects[0]
    return None


def _denied(verb: Token, head: Token) -> bool:
    """Whether a predicate is denied: a negation on it or its object ("did not pay", "paid no
    taxes", "paid nothing"), *without* before it ("without raising taxes"), or a word that
    denies a concept ("opposed": not support); two cancel out."""
    negations = match_words.negation_words()
    count = sum(1 for c in verb.children if c.dep_ == "neg" or (
        c.dep_ != "prep" and c.pos_ not in ("VERB", "AUX") and c.lower_ in negations))
    count += verb.dep_ == "pcomp" and verb.head.lower_ == "without"
    count += sum(1 for c in verb.children if c.dep_ == "dobj" for d in c.children if d.dep_ == "det" and d.lower_ == "no")
    # a word whose concept denies another ("opposed": support; "fell": decrease, not increase)
    count += _concept(head.text.lower(), head.lemma_.lower(), head.pos_ == "PROPN") in match_words.antonyms()
    return count % 2 == 1


@cache
def _parser():
    """The model's parser, for claims stored without their predicates (``annotator match`` on an
    older database): the named entities are not needed."""
    import spacy

    from .pipeline import resolve_model

    return spacy.load(resolve_model(None), disable=["ner"])


def parse(texts: list[str]) -> list[dict]:
    """The predicates of claims known only by their text: each parsed on its own."""
    return [predicates(doc[:]) for doc in _parser().pipe(texts, batch_size=64)]
