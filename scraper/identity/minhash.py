"""MinHash signatures with numpy: datasketch's "affine32" scheme, value for value, faster.

A set of byte strings becomes ``NUM_PERM`` 32-bit minima::

    b"the mayor said the program"      (one 5-word shingle)
      -> sha1, first 4 bytes little-endian   h  = 0x5f1c...        (datasketch.sha1_hash32)
      -> MurmurHash3 finalizer               h' = fmix32(h)
      -> NUM_PERM affine permutations        a_k * h' + b_k  mod 2^32  (a_k odd)
      -> minimum over the set, per k         signature[k]

``a`` and ``b`` are drawn once from ``numpy.random.RandomState(seed)``
exactly as ``datasketch.MinHash(num_perm, seed, scheme="affine32")`` draws
them, so the signatures equal datasketch's (``tests/test_minhash.py`` checks
this when datasketch is installed) and signatures stored by earlier versions
stay comparable. What is faster: the permutations are drawn once per process
instead of once per signature, the hashes of a whole set are one
``numpy.frombuffer`` instead of a Python integer per shingle, and scipy is
never imported (datasketch imports it: about 1 s and 40 MB per process).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

import numpy as np

_FMIX = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3 fmix32: shifts and multipliers


@functools.lru_cache(maxsize=4)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``(a, b)`` (uint32 arrays), as datasketch draws them."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def fmix32(values: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer, element-wise (a bijection on uint32)."""
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> np.uint32(s1))
    values = values * np.uint32(m1)
    values = values ^ (values >> np.uint32(s2))
    values = values * np.uint32(m2)
    mixed: np.ndarray = values ^ (values >> np.uint32(s3))
    return mixed


def sha1_32(items: Iterable[bytes]) -> np.ndarray:
    """The first four bytes of each item's SHA-1, little-endian (``datasketch.sha1_hash32``)."""
    sha1 = hashlib.sha1
    joined = b"".join([sha1(item).digest()[:4] for item in items])
    hashes: np.ndarray = np.frombuffer(joined, dtype="<u4").astype(np.uint32)
    return hashes


def signature(items: Iterable[bytes], *, num_perm: int, seed: int) -> np.ndarray:
    """The MinHash of a set of byte strings: ``num_perm`` uint32 minima.

    An empty set gives all ``2**32 - 1`` (datasketch's empty signature).
    """
    hashes = sha1_32(items)
    if hashes.size == 0:
        return np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    mixed = fmix32(hashes)
    # (n, 1) x (num_perm,) -> (n, num_perm); uint32 arithmetic wraps: that is the mod 2^32.
    permuted = mixed[:, None] * a + b
    result: np.ndarray = permuted.min(axis=0)
    return result
