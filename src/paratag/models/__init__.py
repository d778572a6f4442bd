"""paratag's models: scikit-learn-shaped estimators over a document's paragraphs.

Adding a model means one class here and one ``configs/model/*.yaml``.
"""

from .base import ParagraphModel
from .ngram import NgramModel, NgramSequenceModel
from .reader import GRUReader
from .rules import KeywordRules

__all__ = ["ParagraphModel", "KeywordRules", "NgramModel", "NgramSequenceModel", "GRUReader"]
