"""paratag's models: scikit-learn-shaped estimators over a document's paragraphs.

Adding a model means one class here and one ``configs/model/*.yaml``.
"""

from .base import ParagraphModel
from .encoder import FrozenEncoderModel
from .hashed_sequence import HashedSequenceModel
from .heuristics import JusTextModel, LineFilterModel
from .ngram import NgramModel, NgramSequenceModel
from .reader import GRUReader
from .rules import KeywordRules
from .transformer import TransformerModel

__all__ = ["ParagraphModel", "KeywordRules", "NgramModel", "NgramSequenceModel", "GRUReader", "HashedSequenceModel",
           "FrozenEncoderModel", "TransformerModel", "JusTextModel", "LineFilterModel"]

#: The estimator classes a saved model may name (``_target_`` in its config): nothing else
#: is ever instantiated when a model folder is loaded.
ESTIMATORS = {cls.__name__: cls for cls in (KeywordRules, NgramModel, NgramSequenceModel, GRUReader, HashedSequenceModel,
                                            FrozenEncoderModel, TransformerModel, JusTextModel, LineFilterModel)}
