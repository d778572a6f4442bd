import pytest

from paratag.document import Document
from paratag.splits import SiteHoldout, SiteKFold


def _docs(n_sites=12, per_site=3):
    return [Document(f"{s}-{k}", ["p"], ["core"], source=f"site{s}.example") for s in range(n_sites)
            for k in range(per_site)]


def test_site_kfold_keeps_each_site_on_one_side_and_tests_every_document_once():
    docs = _docs()
    folds = list(SiteKFold(n_splits=4, seed=1).split(docs))
    assert len(folds) == 4
    tested = [i for fold in folds for i in fold.test]
    assert sorted(tested) == list(range(len(docs)))
    for fold in folds:
        train_sites = {docs[i].source for i in fold.train}
        test_sites = {docs[i].source for i in fold.test}
        assert train_sites and test_sites and not train_sites & test_sites
        assert len(fold.train) + len(fold.test) == len(docs)


def test_site_kfold_on_real_authored_data(authored):
    for fold in SiteKFold(n_splits=5).split(authored):
        assert not {authored[i].source for i in fold.train} & {authored[i].source for i in fold.test}


def test_site_kfold_depends_on_seed_and_refuses_too_few_sites():
    docs = _docs()
    a = [f.test for f in SiteKFold(3, seed=0).split(docs)]
    assert a == [f.test for f in SiteKFold(3, seed=0).split(docs)]
    assert a != [f.test for f in SiteKFold(3, seed=5).split(docs)]
    with pytest.raises(ValueError, match="needs at least 5 sites"):
        list(SiteKFold(5).split(_docs(n_sites=3)))


def test_holdout_has_three_disjoint_sides():
    docs = _docs(n_sites=20)
    (fold,) = SiteHoldout(validation_size=0.2, test_size=0.2, seed=0).split(docs)
    sides = [{docs[i].source for i in part} for part in (fold.train, fold.validation, fold.test)]
    assert [len(s) for s in sides] == [12, 4, 4]
    assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
