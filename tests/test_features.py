"""Layout features: the URL/e-mail test agrees with the pattern it replaced and stays
linear on long runs without spaces (timings: experiments/benchmark, not here)."""

import re

import numpy as np

from paratag.features import FEATURE_NAMES, has_url_or_mail, layout_features

#: the pattern the feature used before (quadratic on long runs without spaces)
OLD = re.compile(r"https?://|www\.|\S+@\S+\.\w+")


def test_url_or_mail_agrees_with_the_old_pattern():
    cases = ["mail me at a@b.co", "a@b", "@b.com", "x@.com", "x@y.com", "x@@y.c", "ab@c.d.e", "foo a@b.c bar",
             "see www.example.org", "https://x", "a@b.", "a@bc.", "a@b.c!", "Kontakt: redaktion@zeitung.de",
             "no address here", "@handle on X", "user@localhost"]
    assert [has_url_or_mail(c) for c in cases] == [bool(OLD.search(c)) for c in cases]


def test_features_of_pathological_paragraphs_come_out():
    page = ["a@" * 100_000, "a" * 1_000_000, ("x" * 1000 + "@") * 1000, "An ordinary line, mail a@b.org."]
    features = layout_features(page)
    assert features.shape == (4, len(FEATURE_NAMES)) and np.isfinite(features).all()
    mail = FEATURE_NAMES.index("has_url_or_mail")
    assert features[:, mail].tolist() == [0.0, 0.0, 0.0, 1.0]
