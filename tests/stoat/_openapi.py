"""Hypothesis strategies for JSON documents described by OpenAPI 3.0 schemas.

Covers what Stoat's invite schemas use: ``$ref``, ``allOf`` (one member), ``oneOf``,
``nullable``, ``enum``, objects with ``required``/``properties``/``additionalProperties``,
arrays, strings, integers by ``format``, booleans. Optional keys are sometimes absent,
and nullable ones sometimes ``null``, as serde and the spec allow.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

JSON = Any

_INTEGER_BOUNDS = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 255),
    "uint32": (0, 2**32 - 1),
    "uint": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
    "int": (0, 2**53),
}
# Printable text without surrogates, and ASCII for keys of maps.
_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
_KEYS = st.text(string.ascii_letters + string.digits, min_size=1, max_size=8)

json_leaves: st.SearchStrategy[JSON] = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT
)
json_values: st.SearchStrategy[JSON] = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=6,
)


class SchemaStrategies:
    """Builds strategies from ``components.schemas``.

    Args:
        schemas: The component schemas by name.
        extra_keys: Keys no schema declares, added at random to objects with JSON values,
            to show that unknown keys are ignored.
    """

    def __init__(self, schemas: Mapping[str, JSON], *, extra_keys: tuple[str, ...] = ()) -> None:
        self._schemas = schemas
        self._extra_keys = extra_keys
        self._named: dict[str, st.SearchStrategy[JSON]] = {}

    def named(self, name: str) -> st.SearchStrategy[JSON]:
        """The strategy for ``#/components/schemas/{name}``."""
        if name not in self._named:
            self._named[name] = st.deferred(lambda: self.build(self._schemas[name]))
        return self._named[name]

    def build(self, schema: Mapping[str, JSON]) -> st.SearchStrategy[JSON]:
        strategy = self._build(schema)
        if schema.get("nullable"):
            return st.none() | strategy
        return strategy

    def _build(self, schema: Mapping[str, JSON]) -> st.SearchStrategy[JSON]:
        if "$ref" in schema:
            return self.named(schema["$ref"].rsplit("/", 1)[1])
        if "allOf" in schema:
            (only,) = schema["allOf"]
            return self.build(only)
        if "oneOf" in schema:
            return st.one_of([self.build(member) for member in schema["oneOf"]])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type", "object")
        if kind == "object":
            return self._object(schema)
        if kind == "array":
            return st.lists(self.build(schema["items"]), max_size=3)
        if kind == "string":
            low = schema.get("minLength", 0)
            return st.text(st.characters(codec="utf-8"), min_size=low, max_size=max(low, 12))
        if kind == "integer":
            low, high = _INTEGER_BOUNDS.get(schema.get("format", "int64"), (-(2**63), 2**63 - 1))
            if "minimum" in schema:
                low = max(low, int(schema["minimum"]))
            return st.integers(low, high)
        if kind == "number":
            return st.floats(allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        raise ValueError(f"schema type {kind!r} is not supported")

    def _object(self, schema: Mapping[str, JSON]) -> st.SearchStrategy[JSON]:
        properties: Mapping[str, JSON] = schema.get("properties", {})
        if not properties and "additionalProperties" in schema:
            return st.dictionaries(_KEYS, self.build(schema["additionalProperties"]), max_size=2)
        required = set(schema.get("required", ()))
        fields = st.fixed_dictionaries(
            {name: self.build(sub) for name, sub in properties.items() if name in required},
            optional={
                name: self.build(sub) for name, sub in properties.items() if name not in required
            },
        )
        if not self._extra_keys:
            return fields
        extras = st.dictionaries(st.sampled_from(self._extra_keys), json_values, max_size=2)
        return st.builds(lambda known, more: {**more, **known}, fields, extras)
