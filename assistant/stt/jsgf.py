"""JSGF text of pocketsphinx's closed grammars: the listed phrases, a garbage-word loop, and optionally the words
of the line the assistant is playing (the barge-in watcher's own-words check)."""

from __future__ import annotations

import re
from collections.abc import Sequence


class PhraseError(ValueError):
    """A phrase uses a word the pocketsphinx dictionary does not know."""


def jsgf_token(word: str) -> str:
    """`word` as a JSGF token (quoted unless plain letters, digits and apostrophes)."""
    return word if re.fullmatch(r"[a-z0-9']+", word) else f'"{word}"'


def grammar(phrases: tuple[str, ...], loop: Sequence[str], line: Sequence[str] = (),
             ordered: bool = True) -> str:
    """`<cmd> | <garb>+`; with `line`, also `<own>`: the garbage loop with the line's words (`ordered`
    False), or one run of the line's consecutive words alone, entered and left anywhere (with garbage words
    around it, "time out" became "to out": the garbage's "out" with the line's "to")."""
    commands = " | ".join("(" + " ".join(jsgf_token(w) for w in p.split()) + ")" for p in phrases)
    garbage = " | ".join(jsgf_token(w) for w in loop)
    text = (f"#JSGF V1.0;\ngrammar commands;\npublic <utt> = <cmd> | <garb>{' | <own>' if line else ''};\n"
               f"<cmd> = {commands};\n<garb> = ({garbage})+;\n")
    if line and not ordered:
        return text + f"<own> = ({garbage} | {' | '.join(jsgf_token(w) for w in dict.fromkeys(line))})+;\n"
    if line:
        runs = " | ".join(f"<r{i}>" for i in range(len(line)))
        text += f"<own> = {runs};\n"
        text += "".join(f"<r{i}> = {jsgf_token(w)}{f' [<r{i + 1}>]' if i + 1 < len(line) else ''};\n"
                           for i, w in enumerate(line))
    return text
