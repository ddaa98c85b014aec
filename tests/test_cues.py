"""Cue rules read from the parse (here with the parse given, as the model's output changes with
the words around a sentence)."""


def test_a_quotation_after_the_object_even_where_the_parse_hung_its_comma_on_the_object(nlp):
    """``told host Matt Boyle, “…”`` with the comma and the opening mark parsed as the object's
    (the small model does so after a long object: PolNeAR train); the parse is given here, as the
    model's output for a given sentence changes with the words around it."""
    from spacy.tokens import Doc

    from annotator import lexicon
    from annotator.cues import complement

    words = ["Bolton", "told", "host", "Boyle", ",", "“", "The", "bill", "is", "dead", ".", "”"]
    spaces = [True, True, True, False, True, False, True, True, True, False, False, False]
    heads = [1, 1, 3, 1, 3, 3, 7, 8, 1, 8, 1, 1]
    deps = ["nsubj", "ROOT", "compound", "dobj", "punct", "punct", "det", "nsubj", "xcomp", "acomp",
            "punct", "punct"]
    pos = ["PROPN", "VERB", "NOUN", "PROPN", "PUNCT", "PUNCT", "DET", "NOUN", "AUX", "ADJ", "PUNCT", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)
    assert complement(doc[1], lexicon.cues()[("tell", "VERB")]) == (True, None)


def test_that_after_a_relative_clause_set_off_by_commas_after_the_cue(nlp):
    """``said on CNN, where he is now a paid contributor, that …`` with the ``that`` clause hung on
    the relative clause's noun (the small model does so: PolNeAR train); the parse is given."""
    from spacy.tokens import Doc

    from annotator import lexicon
    from annotator.cues import complement

    words = ["Ortiz", "said", "on", "CNN", ",", "where", "she", "works", ",", "that", "Lee", "is", "wrong", "."]
    spaces = [True, True, True, False, True, True, True, False, True, True, True, True, False, False]
    heads = [1, 1, 1, 2, 3, 7, 7, 3, 3, 11, 11, 3, 11, 1]
    deps = ["nsubj", "ROOT", "prep", "pobj", "punct", "advmod", "nsubj", "relcl", "punct", "mark", "nsubj",
            "relcl", "acomp", "punct"]
    tags = ["NNP", "VBD", "IN", "NNP", ",", "WRB", "PRP", "VBZ", ",", "IN", "NNP", "VBZ", "JJ", "."]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags)
    assert complement(doc[1], lexicon.cues()[("say", "VERB")]) == (True, doc[11])


def test_a_colon_after_the_cue_s_adverb_comma_and_prepositional_phrase(nlp):
    """``Kelly responded pointedly, with a smile: “…”``: what follows the colon is what was said."""
    from spacy.tokens import Doc

    from annotator import lexicon
    from annotator.cues import complement

    words = ["Kelly", "responded", "pointedly", ",", "with", "a", "smile", ":", "“", "Yes", ".", "”"]
    spaces = [True, True, False, True, True, True, False, True, False, False, False, False]
    heads = [1, 1, 1, 1, 1, 6, 4, 1, 9, 1, 1, 1]
    deps = ["nsubj", "ROOT", "advmod", "punct", "prep", "det", "pobj", "punct", "punct", "intj", "punct", "punct"]
    tags = ["NNP", "VBD", "RB", ",", "IN", "DT", "NN", ":", "``", "UH", ".", "''"]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags)
    assert complement(doc[1], lexicon.cues()[("respond", "VERB")]) == (True, None)


def test_a_clause_whose_predicate_the_parse_made_its_head(nlp):
    """``says the mayor's string of posts was “reckless”`` with the adjective heading the clause
    (the small model does so before a quoted predicate: PolNeAR dev); not a clause without a subject."""
    from spacy.tokens import Doc

    from annotator import lexicon
    from annotator.cues import complement

    words = ["Lee", "says", "the", "posts", "were", "“", "reckless", ".", "”"]
    spaces = [True, True, True, True, True, False, False, False, False]
    heads = [1, 1, 3, 6, 6, 6, 1, 1, 1]
    deps = ["nsubj", "ROOT", "det", "nsubjpass", "auxpass", "punct", "ccomp", "punct", "punct"]
    pos = ["PROPN", "VERB", "DET", "NOUN", "AUX", "PUNCT", "ADJ", "PUNCT", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)
    say = lexicon.cues()[("say", "VERB")]
    assert complement(doc[1], say) == (True, doc[6])
    words = ["Lee", "says", "“", "reckless", ".", "”"]
    doc = Doc(nlp.vocab, words=words, spaces=[True, True, False, False, False, False],
              heads=[1, 1, 3, 1, 1, 1], deps=["nsubj", "ROOT", "punct", "ccomp", "punct", "punct"],
              pos=["PROPN", "VERB", "PUNCT", "ADJ", "PUNCT", "PUNCT"])
    assert complement(doc[1], say) == (False, None)


def test_a_that_clause_the_parse_read_as_adverbial(nlp):
    """``posted in the night that Lee was “a fraud”`` with ``that`` an adverb of an adverbial clause."""
    from spacy.tokens import Doc

    from annotator import lexicon
    from annotator.cues import complement

    words = ["Kim", "posted", "in", "the", "night", "that", "Lee", "was", "a", "fraud", "."]
    spaces = [True, True, True, True, True, True, True, True, True, False, False]
    heads = [1, 1, 1, 4, 2, 7, 7, 1, 9, 7, 1]
    deps = ["nsubj", "ROOT", "prep", "det", "pobj", "advmod", "nsubj", "advcl", "det", "attr", "punct"]
    tags = ["NNP", "VBD", "IN", "DT", "NN", "WDT", "NNP", "VBD", "DT", "NN", "."]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags)
    assert complement(doc[1], lexicon.cues()[("post", "VERB")]) == (True, doc[7])


def test_a_clause_whose_verb_the_parse_read_as_a_noun(nlp):
    """``said Lee's words and deeds “amount to …”`` with ``amount`` a noun and the subject its modifier."""
    from spacy.tokens import Doc

    from annotator import lexicon
    from annotator.cues import complement

    words = ["Kim", "said", "Lee", "’s", "words", "“", "amount", "to", "fraud", ".", "”"]
    spaces = [True, True, False, True, True, False, True, True, False, False, False]
    heads = [1, 1, 4, 2, 6, 6, 1, 6, 7, 1, 1]
    deps = ["nsubj", "ROOT", "poss", "case", "nmod", "punct", "ccomp", "prep", "pobj", "punct", "punct"]
    pos = ["PROPN", "VERB", "PROPN", "PART", "NOUN", "PUNCT", "NOUN", "ADP", "NOUN", "PUNCT", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)
    assert complement(doc[1], lexicon.cues()[("say", "VERB")]) == (True, doc[6])


def test_of_two_subjects_the_one_set_off_by_as_or_after_a_place(nlp):
    """``Hawaii, as one of his advisers pointed out, …`` parsed with two subjects of ``pointed``;
    ``Speaking in Salem, Ohio, Lee went after Kim, calling …`` with the place a subject too."""
    from spacy.tokens import Doc

    from annotator.cues import subject_of

    words = ["Hawaii", ",", "as", "his", "advisers", "noted", ",", "gets", "storms", "."]
    heads = [5, 5, 5, 4, 5, 5, 5, 5, 7, 5]
    deps = ["nsubj", "punct", "prep", "poss", "nsubj", "ROOT", "punct", "advcl", "dobj", "punct"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    assert subject_of(doc[5]) == doc[4]
    words = ["His", "decision", "as", "his", "issue", "showed", "it", "."]
    doc = Doc(nlp.vocab, words=words, heads=[1, 5, 5, 4, 5, 5, 5, 5],
              deps=["poss", "nsubj", "prep", "poss", "nsubj", "ROOT", "dobj", "punct"])
    assert subject_of(doc[5]) == doc[1]
