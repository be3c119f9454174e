"""The adapter registry: platform name → adapter class, loaded lazily on first use.

Adapters are found through the entry-point group ``invitekit.adapters``
(``discord = "invitekit_discord:DiscordAdapter"``) and through ``register_adapter`` at
run time. Nothing is imported until a platform is used.
"""

from __future__ import annotations

import threading
import warnings
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

from invitekit.errors import AdapterImportError, InvalidArgument, UnknownPlatform
from invitekit.links import LinkRules, LinkScanner

if TYPE_CHECKING:
    from invitekit.adapter import Adapter

__all__ = [
    "ENTRY_POINT_GROUP",
    "LINKS_ENTRY_POINT_GROUP",
    "available_platforms",
    "default_scanner",
    "get_adapter",
    "get_adapter_class",
    "link_rules_for",
    "register_adapter",
    "restore",
    "snapshot",
    "unregister_adapter",
]

ENTRY_POINT_GROUP = "invitekit.adapters"
"""The entry-point group adapters register under: ``name = "package:AdapterClass"``."""
LINKS_ENTRY_POINT_GROUP = "invitekit.links"
"""Where an adapter may also name its official ``LinkRules`` (``name = "package._links:RULES"``),
so that finding links never imports the adapter itself; optional."""

_lock = threading.RLock()
_loaded: dict[str, type[Adapter]] = {}
_declared: dict[str, str] = {}
"""Platform → ``"module:attribute"`` not imported yet (entry points and strings)."""
_link_targets: dict[str, str] = {}
"""Platform → ``"module:attribute"`` of its link rules, for entry-point adapters."""
_link_rules: dict[str, LinkRules] = {}
_discovered = False
_scanner: LinkScanner | None = None


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    from invitekit._entry_points import entry_points

    found = entry_points(ENTRY_POINT_GROUP, LINKS_ENTRY_POINT_GROUP)
    for name, value in found[ENTRY_POINT_GROUP]:
        if name not in _loaded:
            _declared.setdefault(name, value)
    for name, value in found[LINKS_ENTRY_POINT_GROUP]:
        if name in _declared:
            _link_targets.setdefault(name, value)
    _discovered = True


def _is_adapter_class(candidate: object) -> TypeGuard[type[Adapter]]:
    # Imported here: finding links uses the registry and never needs the models.
    from invitekit.adapter import Adapter

    return isinstance(candidate, type) and issubclass(candidate, Adapter)


def _import_adapter(platform: str, target: str) -> type[Adapter]:
    from invitekit._entry_points import load

    try:
        loaded = load(target)
    except Exception as exc:
        raise AdapterImportError(
            f"the adapter for {platform!r} ({target}) failed to import: "
            f"{type(exc).__name__}: {exc}",
            platform=platform,
        ) from exc
    if not _is_adapter_class(loaded):
        raise AdapterImportError(
            f"{target} registered for {platform!r} is not an invitekit Adapter subclass",
            platform=platform,
        )
    if getattr(loaded, "platform", None) != platform:
        raise AdapterImportError(
            f"{target} is registered as {platform!r} but declares platform "
            f"{getattr(loaded, 'platform', None)!r}",
            platform=platform,
        )
    return loaded


def register_adapter(
    adapter: type[Adapter] | str, *, platform: str | None = None, replace: bool = False
) -> None:
    """Register an adapter class, or a lazy ``"module:Class"`` path, at run time.

    Args:
        adapter: The class, or its import path (imported on first use).
        platform: The platform name; required for a path, checked for a class.
        replace: Allow replacing an adapter already registered under that name.

    Raises:
        InvalidArgument: The name is taken (without ``replace``), missing, or does not
            match the class's ``platform``, or ``adapter`` is not an Adapter subclass.
    """
    candidate: object = adapter  # checked at run time: callers are not always typed
    if isinstance(candidate, str):
        if platform is None:
            raise InvalidArgument("register_adapter needs platform= with an import path")
        name = platform
    elif _is_adapter_class(candidate):
        name = candidate.platform
        if platform is not None and platform != name:
            raise InvalidArgument(
                f"{candidate.__name__} declares platform {name!r}, not {platform!r}"
            )
    else:
        raise InvalidArgument(f"expected an Adapter subclass or an import path, got {adapter!r}")
    global _scanner
    with _lock:
        _discover()
        if not replace and (name in _loaded or name in _declared):
            raise InvalidArgument(
                f"an adapter is already registered for {name!r}; pass replace=True", platform=name
            )
        _loaded.pop(name, None)
        _declared.pop(name, None)
        _forget_links(name)
        if isinstance(adapter, str):
            _declared[name] = adapter
        else:
            _loaded[name] = adapter
        _scanner = None


def unregister_adapter(platform: str) -> None:
    """Remove ``platform`` from the registry (entry-point adapters included, until restart).

    Raises:
        UnknownPlatform: Nothing is registered under that name.
    """
    global _scanner
    with _lock:
        _discover()
        if _loaded.pop(platform, None) is None and _declared.pop(platform, None) is None:
            raise UnknownPlatform(f"no adapter is registered for {platform!r}", platform=platform)
        _forget_links(platform)
        _scanner = None


def _forget_links(platform: str) -> None:
    _link_targets.pop(platform, None)
    _link_rules.pop(platform, None)


def available_platforms() -> list[str]:
    """Return the names of every registered platform, sorted, without importing them."""
    with _lock:
        _discover()
        return sorted({*_loaded, *_declared})


def get_adapter_class(platform: str) -> type[Adapter]:
    """Return the adapter class for ``platform``, importing it on first use.

    Raises:
        UnknownPlatform: No adapter is registered under that name.
        AdapterImportError: The adapter is registered but could not be imported.
    """
    # Lock-free for the common case: decoding calls this once per payload, and reading
    # a dict entry is atomic.
    adapter = _loaded.get(platform)
    if adapter is not None:
        return adapter
    with _lock:
        adapter = _loaded.get(platform)
        if adapter is not None:
            return adapter
        _discover()
        target = _declared.get(platform)
        if target is None:
            known = ", ".join(sorted({*_loaded, *_declared})) or "none"
            raise UnknownPlatform(
                f"no adapter is registered for {platform!r} (available: {known})",
                platform=platform,
            )
        adapter = _import_adapter(platform, target)
        _loaded[platform] = adapter
        del _declared[platform]
        return adapter


def get_adapter(platform: str, **options: Any) -> Adapter:
    """Build an adapter for ``platform`` from the registry.

    Args:
        platform: The platform name.
        options: Passed to the adapter's constructor (``token``, ``api_base`` …).

    Raises:
        UnknownPlatform: No adapter is registered under that name.
        AdapterImportError: The adapter could not be imported.
        InvalidArgument: The adapter does not accept one of ``options``.
    """
    adapter_class = get_adapter_class(platform)
    try:
        return adapter_class(**options)
    except TypeError as exc:
        raise InvalidArgument(
            f"cannot build the {platform} adapter: {exc}", platform=platform
        ) from exc


def link_rules_for(platform: str, instance: str | None = None) -> LinkRules:
    """Return the link rules of ``platform``, of its official instance or of ``instance``.

    Raises:
        UnknownPlatform: No adapter is registered under that name.
        AdapterImportError: The adapter could not be imported.
        InvalidArgument: The adapter cannot tell the links of ``instance``.
    """
    if instance is None:
        loaded = _loaded.get(platform)
        if loaded is not None:
            return loaded.link_rules
        rules = _declared_link_rules(platform)
        if rules is not None:
            return rules
    adapter_class = get_adapter_class(platform)
    if instance is None:
        return adapter_class.link_rules
    return adapter_class.instance_link_rules(instance)


def _declared_link_rules(platform: str) -> LinkRules | None:
    """The link rules an entry point names for ``platform``, without importing its
    adapter; ``None`` when there are none to use (the adapter class then answers)."""
    with _lock:
        _discover()
        rules = _link_rules.get(platform)
        if rules is not None:
            return rules
        target = _link_targets.get(platform)
        if target is None or platform not in _declared:
            return None
        from invitekit._entry_points import load

        try:
            loaded = load(target)
        except Exception:
            return None
        if not isinstance(loaded, LinkRules) or loaded.platform != platform:
            return None
        _link_rules[platform] = loaded
        return loaded


def default_scanner() -> LinkScanner:
    """Return the scanner for every registered platform (rebuilt when the registry changes).

    An adapter that fails to import is left out with a warning, so one broken
    third-party package cannot stop link scanning for every other platform.
    """
    global _scanner
    scanner = _scanner  # lock-free when built: find_invites calls this once per message
    if scanner is not None:
        return scanner
    with _lock:
        if _scanner is None:
            rules = []
            for platform in available_platforms():
                try:
                    rules.append(link_rules_for(platform))
                except AdapterImportError as exc:
                    warnings.warn(str(exc), RuntimeWarning, stacklevel=2)
            _scanner = LinkScanner(rules)
        return _scanner


if TYPE_CHECKING:
    RegistryState: TypeAlias = tuple[dict[str, type[Adapter]], dict[str, str], dict[str, str], bool]
else:
    # The same shape for run-time introspection (typing.get_type_hints), which would
    # otherwise need Adapter, and with it the models, imported.
    RegistryState = tuple[dict[str, type], dict[str, str], dict[str, str], bool]


def snapshot() -> RegistryState:
    """The registry as it is now, for ``restore`` (``invitekit.testing`` isolates tests
    with the two)."""
    with _lock:
        return dict(_loaded), dict(_declared), dict(_link_targets), _discovered


def restore(state: RegistryState) -> None:
    """Put the registry back as ``snapshot`` saw it."""
    global _discovered, _scanner
    with _lock:
        loaded, declared, link_targets, discovered = state
        _loaded.clear()
        _loaded.update(loaded)
        _declared.clear()
        _declared.update(declared)
        _link_targets.clear()
        _link_targets.update(link_targets)
        _link_rules.clear()
        _discovered = discovered
        _scanner = None
