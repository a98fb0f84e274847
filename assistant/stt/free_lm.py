"""Which language model pocketsphinx decodes free answers with.

`free_lm.arpa` (package data, made by scripts/build_free_lm.py) mixes a Witten-Bell trigram model of the
product's own language (check-in answers, commands, how people state danger and everyday trouble: tuning corpora
only) with the wheel's general en-us model, so ordinary speech is still possible while the domain's wordings are
likelier. Without the file (a trimmed install) the general model is used.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pocketsphinx import Config

_LOGGER = logging.getLogger(__name__)

PACKAGED_LM = Path(__file__).with_name("free_lm.arpa")
"""The mixed model shipped with the package."""


def general_lm() -> str:
    """The wheel's general en-us model."""
    return str(Config()["lm"])


def free_text_lm() -> str:
    """The model for free answers: the packaged mix if present, else the general one."""
    if PACKAGED_LM.is_file():
        return str(PACKAGED_LM)
    _LOGGER.info("no packaged free-text model at %s: using the general en-us model", PACKAGED_LM)
    return general_lm()
