"""Paths and queries come out as ``urllib.parse`` would encode them, fast path or not."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from hypothesis import given
from hypothesis import strategies as st

from invitekit.http import Route
from invitekit.http._percent import query_string, quote_segment

UNRESERVED = st.text(alphabet="abcXYZ019_.~-", max_size=12)
ANY_TEXT = st.text(max_size=12)
WORDS = st.one_of(UNRESERVED, ANY_TEXT)


@given(WORDS)
def test_a_segment_is_encoded_as_quote_encodes_it(value: str) -> None:
    assert quote_segment(value) == quote(value, safe="")


@given(st.lists(st.tuples(WORDS, WORDS), max_size=5))
def test_a_query_is_encoded_as_urlencode_encodes_it(pairs: list[tuple[str, str]]) -> None:
    assert query_string(pairs) == urlencode(pairs, quote_via=quote)
    assert query_string(dict(pairs)) == urlencode(dict(pairs), quote_via=quote)


def test_a_value_that_could_end_a_segment_is_escaped() -> None:
    route = Route("GET", "/invites/{code}", {"code": "a/../b?c#d"})
    assert route.path == "/invites/a%2F..%2Fb%3Fc%23d"
    assert query_string({"with_counts": "true", "q": "a&b=c"}) == "with_counts=true&q=a%26b%3Dc"
