"""A claim's characters as hashed n-grams: the spelling-level reading the check-worthiness model mixes in.

The words and parse features of :mod:`.checkworthy` read a prose claim by its content; these read
the whole claim as it is written, lower-cased with its spaces collapsed, as overlapping runs of 2
to 5 characters (quotes, punctuation, parts of words and the words around them included), hashed
into ``N_COLUMNS`` columns. All the claims of a batch are hashed together in a few array operations.
"""

from collections.abc import Sequence

import numpy as np

N_COLUMNS = 2**18
SIZES = (2, 3, 4, 5)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def ngram_ids(texts: Sequence[str]) -> list[np.ndarray]:
    """The hashed character 2- to 5-gram columns of each text (repeated as often as they occur)."""
    if not texts:
        return []
    # each text between spaces, the texts apart by a code no text has (0), as one array of code points
    joined = "\0".join(" " + " ".join(t.lower().split()) + " " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.cumsum(codes == 0)  # which text each character belongs to
    cut = np.concatenate([[0], np.cumsum(codes == 0)])  # separators before each position
    ids, owners = [], []
    for n in SIZES:
        m = len(codes) - n + 1
        if m <= 0:
            continue
        h = np.full(m, np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h = (h ^ codes[k:k + m]) * _MIX  # uint64 arithmetic wraps, as a hash should
            h ^= h >> np.uint64(31)
        whole = cut[n:n + m] - cut[:m] == 0  # no separator inside the n-gram
        ids.append((h[whole] % np.uint64(N_COLUMNS)).astype(np.int64))
        owners.append(owner[:m][whole])
    got, who = np.concatenate(ids), np.concatenate(owners)
    order = np.argsort(who, kind="stable")
    return np.split(got[order], np.cumsum(np.bincount(who, minlength=len(texts)))[:-1])
