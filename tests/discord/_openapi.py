"""A small random-instance generator for OpenAPI 3.1 / JSON Schema component schemas.

It covers what Discord's invite schemas use: ``$ref``, ``allOf`` (merged), ``oneOf``,
``const``, ``enum``, type lists with ``"null"``, objects with required and optional
properties and ``additionalProperties``, arrays (``maxItems``, ``uniqueItems``), integer
bounds and formats (``int32``, ``int64``), and the ``date-time``/``uri``/snowflake
string formats. Seeded, so every run generates the same payloads.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

__all__ = ["SPEC_PATH", "Generator", "load_schemas"]

SPEC_PATH = Path(__file__).parent / "data" / "discord-openapi-invites.json"
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**53) + 1, 2**53 - 1)
_TEXT = string.ascii_letters + string.digits + " -_.:/?#éßΩ😀中"


def load_schemas(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Return ``components.schemas`` of the stored spec."""
    schemas: dict[str, Any] = json.loads(path.read_text("utf-8"))["components"]["schemas"]
    return schemas


class Generator:
    """Random instances of the schemas in ``schemas``.

    Args:
        schemas: ``components.schemas``.
        seed: The random seed.
        optional: Probability of including an optional property.
        drop_required: Probability of leaving out a required property (for payloads
            shaped like real ones, which omit keys the spec requires), except ``keep``.
        keep: Property names never dropped.
    """

    def __init__(
        self,
        schemas: dict[str, Any],
        *,
        seed: int,
        optional: float = 0.5,
        drop_required: float = 0.0,
        keep: Iterable[str] = (),
        max_depth: int = 6,
    ) -> None:
        self.schemas = schemas
        self.random = random.Random(seed)
        self.optional = optional
        self.drop_required = drop_required
        self.keep = frozenset(keep)
        self.max_depth = max_depth

    def instance(self, name: str) -> Any:
        """Return a random instance of the schema called ``name``."""
        return self.generate(self.schemas[name], 0)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema and len(schema) == 1:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[1]]
        if "$ref" in schema:
            target = self.schemas[schema["$ref"].rsplit("/", 1)[1]]
            merged = {k: v for k, v in schema.items() if k not in ("$ref", "description")}
            schema = {**target, **merged}
        return schema

    def _merge_all_of(self, schema: dict[str, Any]) -> dict[str, Any]:
        if "allOf" not in schema or "enum" in schema or "const" in schema:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self._merge_all_of(self._resolve(part))
            for key, value in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = sorted({*merged.get("required", []), *value})
                else:
                    merged.setdefault(key, value)
        return merged

    def generate(self, schema: dict[str, Any], depth: int) -> Any:
        schema = self._merge_all_of(self._resolve(schema))
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return self.random.choice(schema["enum"])
        if "oneOf" in schema or "anyOf" in schema:
            branch = self.random.choice(schema.get("oneOf") or schema["anyOf"])
            return self.generate(branch, depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            if "null" in kind and self.random.random() < 0.3:
                return None
            kind = self.random.choice([k for k in kind if k != "null"] or ["null"])
        return self._typed(kind, schema, depth)

    def _typed(self, kind: str | None, schema: dict[str, Any], depth: int) -> Any:
        if kind == "null":
            return None
        if kind == "boolean":
            return self.random.random() < 0.5
        if kind == "integer":
            return self._integer(schema)
        if kind == "number":
            return round(self.random.uniform(0, 1e6), self.random.randint(0, 6))
        if kind == "string":
            return self._string(schema)
        if kind == "array":
            return self._array(schema, depth)
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth)
        return None

    def _integer(self, schema: dict[str, Any]) -> int:
        low, high = _INT64 if schema.get("format") == "int64" else _INT32
        low = max(low, int(schema.get("minimum", low)))
        high = min(high, int(schema.get("maximum", high)))
        # Mostly small, realistic numbers, sometimes the extremes.
        roll = self.random.random()
        if roll < 0.1:
            return low
        if roll < 0.2:
            return high
        return self.random.randint(max(low, 0), max(low, min(high, 10_000)))

    def _string(self, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        if fmt == "date-time":
            moment = datetime(2015, 1, 1, tzinfo=timezone.utc) + timedelta(
                seconds=self.random.randint(0, 15 * 365 * 86400),
                microseconds=self.random.choice([0, self.random.randint(0, 999_999)]),
            )
            text = moment.isoformat()
            return text.replace("+00:00", "Z") if self.random.random() < 0.3 else text
        if fmt == "snowflake" or schema.get("pattern") == "^(0|[1-9][0-9]*)$":
            return str(self.random.randint(0, 2**63 - 1))
        if fmt == "uri":
            return f"https://example.com/{self.random.randint(0, 999)}"
        length = self.random.randint(1, 24)
        return "".join(self.random.choice(_TEXT) for _ in range(length))

    def _array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        if depth >= self.max_depth:
            return []
        count = self.random.randint(0, min(3, schema.get("maxItems", 3)))
        items = [self.generate(schema.get("items", {}), depth + 1) for _ in range(count)]
        if schema.get("uniqueItems"):
            unique: list[Any] = []
            for item in items:
                if item not in unique:
                    unique.append(item)
            items = unique
        return items

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        required = set(schema.get("required", ()))
        result: dict[str, Any] = {}
        for name, sub in schema.get("properties", {}).items():
            if name in required:
                if name not in self.keep and self.random.random() < self.drop_required:
                    continue
            elif depth >= self.max_depth or self.random.random() >= self.optional:
                continue
            result[name] = self.generate(sub, depth + 1)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and depth < self.max_depth:
            for index in range(self.random.randint(0, 2)):
                result[f"extra{index}"] = self.generate(extra, depth + 1)
        return result
