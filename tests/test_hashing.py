"""Hashed n-grams: the same text gets the same ids wherever it sits, in any process."""

import subprocess
import sys

import numpy as np

from paratag.models.hashing import HashedNgrams


def _bags(hasher, texts):
    ids, offsets = hasher.transform(texts)
    ends = list(offsets[1:]) + [len(ids)]
    return [sorted(ids[a:b].tolist()) for a, b in zip(offsets, ends)]


def test_ids_do_not_depend_on_the_other_texts():
    hasher = HashedNgrams(bits=16)
    alone = _bags(hasher, ["Support us today!"])[0]
    among = _bags(hasher, ["Home", "Support us today!", "Über uns – Ähnliche Artikel"])
    assert among[1] == alone
    assert among[0] != alone and all(0 <= i < 2 ** 16 for bag in among for i in bag)


def test_counts_follow_the_ngram_ranges():
    hasher = HashedNgrams(bits=20, char_ngrams=(3, 3), word_ngrams=(1, 2))
    (bag,) = _bags(hasher, ["ab cd"])
    # " ab cd " has 5 character trigrams; 2 words and 1 word bigram
    assert len(bag) == 5 + 2 + 1


def test_case_and_spacing_do_not_matter_but_words_do():
    hasher = HashedNgrams()
    a, b, c = _bags(hasher, ["Sign up  NOW", "sign up\nnow", "sign in now"])
    assert a == b and a != c


def test_empty_input_and_empty_text():
    hasher = HashedNgrams()
    ids, offsets = hasher.transform([])
    assert len(ids) == 0 and len(offsets) == 0
    ids, offsets = hasher.transform(["", "x"])
    assert offsets.tolist()[0] == 0 and len(ids) > 0


def test_hashes_are_the_same_in_another_process():
    code = ("from paratag.models.hashing import HashedNgrams; "
            "print(HashedNgrams().transform(['Dear readers, donate'])[0].tolist())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123"}).stdout
    assert eval(other) == HashedNgrams().transform(["Dear readers, donate"])[0].tolist()
    assert np.unique(eval(other)).size > 10
