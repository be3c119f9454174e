"""Names a package exports but imports only when first asked for (PEP 562)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package``, whose names in ``where``
    (name → the module defining it) are imported on first access.

    A name that maps to ``package.name`` is that submodule (``"models":
    "mypkg.models"``): a package can import a submodule late and still offer it as an
    attribute, as an eager import would have.

    ``package`` is the calling module's ``__name__``; it must already be in
    ``sys.modules`` (true while its body runs). A name, once imported, is stored in the
    package, so later lookups cost nothing. ``__dir__`` lists the package's globals, its
    ``__all__`` and the names in ``where``.

    Usage, at the end of a package's ``__init__``::

        __getattr__, __dir__ = lazy_exports(__name__, {"Client": "mypkg._client"})

    The returned ``__getattr__`` raises:
        AttributeError: The name is neither defined nor in ``where``.
    """
    namespace = vars(sys.modules[package])

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        imported = importlib.import_module(module)
        # A name mapped to the submodule of that name is the submodule itself.
        value = imported if module == f"{package}.{name}" else getattr(imported, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ()), *where})

    return __getattr__, __dir__
