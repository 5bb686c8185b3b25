"""scraper.identity.minhash: datasketch's "affine32" signatures, value for value, without datasketch."""

from __future__ import annotations

import numpy as np
import pytest

from scraper.identity import minhash, neardup

SETS = {
    "empty": set(),
    "one-shingle": {b"the mayor said the program"},
    "words": {w.encode() for w in ["council", "keeps", "ceasefire", "funded", "after", "vote"]},
    "a-text": neardup.shingles(neardup.words(" ".join(f"w{i % 37} x{i}" for i in range(400)))),
}


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("seed", [1, 7])
def test_equals_datasketch_affine32(name: str, seed: int) -> None:
    datasketch = pytest.importorskip("datasketch")
    items = SETS[name]
    sketch = datasketch.MinHash(num_perm=128, seed=seed, scheme="affine32")
    sketch.update_batch(list(items))
    ours = minhash.signature(items, num_perm=128, seed=seed)
    assert ours.dtype == np.uint32
    assert ours.tolist() == np.asarray(sketch.hashvalues).tolist()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0, 0, id="zero-stays-zero"),
        pytest.param(1, 0x514E28B7, id="one"),  # MurmurHash3 fmix32(1), a published test value
    ],
)
def test_fmix32(value: int, expected: int) -> None:
    assert int(minhash.fmix32(np.array([value], dtype=np.uint32))[0]) == expected


def test_sha1_32_is_the_first_four_digest_bytes_little_endian() -> None:
    # sha1(b"abc") = a9993e36 4706816a ...: the first four bytes, read little-endian.
    assert minhash.sha1_32([b"abc"]).tolist() == [0x363E99A9]


def test_similar_sets_have_similar_signatures() -> None:
    base = {f"s{i}".encode() for i in range(300)}
    near = {f"s{i}".encode() for i in range(30, 330)}  # Jaccard 270/330 = 0.82
    far = {f"t{i}".encode() for i in range(300)}
    sig = minhash.signature(base, num_perm=128, seed=1)
    agree_near = np.mean(sig == minhash.signature(near, num_perm=128, seed=1))
    agree_far = np.mean(sig == minhash.signature(far, num_perm=128, seed=1))
    assert 0.7 < agree_near < 0.95
    assert agree_far < 0.05
