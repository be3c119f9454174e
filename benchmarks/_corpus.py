"""A synthetic chat log: mostly prose, about 1% invite links, some look-alikes and other URLs.

Deterministic for a seed. Message lengths follow a chat-like spread (many short lines,
a long tail); links take the shapes people paste: bare host, with scheme, ``<…>``,
markdown, capitalised, followed by punctuation, with ``?event=``. Look-alikes are the
traps of DESIGN.md (``discord.gg.evil.com``, ``evil.com/discord.gg/x``,
``discord.gg@evil.com/x``, a Cyrillic homoglyph) and CDN links on real Discord hosts.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass

from invitekit.links import LinkRules

__all__ = ["Corpus", "make_corpus"]

_WORDS = (  # noqa: SIM905 - prose reads better than 110 quoted words
    "the a to and is it you that of in i for on this was with lol yes no what just have "
    "are be so not but my me do we at can if get all like your gg nice ok one up out time "
    "know think good now they he she new game play server channel voice raid tonight "
    "anyone online? thanks! haha :) ;) 😂 👍 ❤️ über café naïve 你好 join link mods please "
    "here there when how why where who back later brb afk gn gm wp ez rip idk imo tbh "
    "discord stoat revolt invite bot role admin ping @everyone #general https www com"
).split()
_OTHER_URLS = (
    "https://www.youtube.com/watch?v={code}",
    "https://github.com/invitekit/{code}/issues/12",
    "https://tenor.com/view/cat-{code}-gif-123456",
    "https://cdn.discordapp.com/attachments/123/456/{code}.png",
    "https://media.discordapp.net/attachments/1/2/{code}.jpg?width=400",
    "https://discord.com/channels/123456789/987654321",
    "see https://example.org/a/{code} and/or 24/7",
)
_LOOKALIKES = (
    "https://discord.gg.evil.com/{code}",
    "evil.com/discord.gg/{code}",
    "https://discord.gg@evil.com/{code}",
    "https://d\u0456scord.gg/{code}",
    "https://discordapp.co/invite/{code}",
    "https://stt.gg.example.net/{code}",
    "http://not-discord.gg/{code}",
)


@dataclass(frozen=True)
class Corpus:
    """The messages, and how many invite links were planted in them (one per message)."""

    messages: Sequence[str]
    planted: int


def _words(rng: random.Random) -> list[str]:
    band = rng.random()
    if band < 0.30:
        count = rng.randint(1, 3)
    elif band < 0.70:
        count = rng.randint(4, 10)
    elif band < 0.92:
        count = rng.randint(11, 25)
    else:
        count = rng.randint(26, 60)
    return rng.choices(_WORDS, k=count)


def _code(rng: random.Random, rules: LinkRules) -> str:
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c in rules.code_chars)
    return "".join(rng.choices(alphabet, k=rng.randint(max(rules.min_length, 6), 10)))


def _invite(rng: random.Random, rules: LinkRules) -> str:
    form = rng.choice(rules.forms)
    link = f"{form.host}{form.prefix}{_code(rng, rules)}"
    if rules.event_param and rng.random() < 0.1:
        link += f"?{rules.event_param}={rng.randint(10**17, 10**18)}"
    shape = rng.random()
    if shape < 0.75:
        link = "https://" + link
    if rng.random() < 0.05:
        # Scheme and host are case-insensitive; codes are not.
        link = link.replace("https://", "HTTPS://").replace(form.host, form.host.upper(), 1)
    if shape < 0.10:
        return f"<{link}>"
    if shape < 0.18:
        return f"[join us]({link})"
    if shape < 0.30:
        return link + rng.choice(".!,?)")
    return link


def make_corpus(count: int, rules: Sequence[LinkRules], *, seed: int = 6) -> Corpus:
    """``count`` chat messages, ~1% with one invite link of one of ``rules``' platforms."""
    rng = random.Random(seed)
    messages: list[str] = []
    planted = 0
    for _ in range(count):
        words = _words(rng)
        kind = rng.random()
        if kind < 0.01:
            words.insert(rng.randint(0, len(words)), _invite(rng, rng.choice(rules)))
            planted += 1
        elif kind < 0.013:
            words.insert(rng.randint(0, len(words)), rng.choice(_LOOKALIKES).format(code="Ab12cd"))
        elif kind < 0.05:
            url = rng.choice(_OTHER_URLS).format(
                code="".join(rng.choices(string.ascii_letters, k=8))
            )
            words.insert(rng.randint(0, len(words)), url)
        messages.append(" ".join(words))
    return Corpus(messages, planted)
