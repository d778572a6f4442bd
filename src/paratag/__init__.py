"""paratag: tag every paragraph of scraped news text as core, fundraising,
newsletter, related or other.

>>> import paratag
>>> tagger = paratag.load()                      # the shipped model
>>> tagger.predict(["Support us!", "Officials said on Monday ..."])
"""

__version__ = "0.1.0"

from .document import Document  # noqa: E402
from .tagger import TaggedParagraph, Tagger, load  # noqa: E402

__all__ = ["Document", "Tagger", "TaggedParagraph", "load", "__version__"]
