"""Named implementations of one base class, registered by a class decorator (redash's query-runner pattern).

Market-data providers and forecast models are both looked up this way; each package keeps its own
registry object and its own errors.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class Registry:
    """``register(name)`` decorates a subclass of ``base``; ``get(name)`` finds it or raises ``unknown``."""

    def __init__(self, base: type, what: str, unknown: type[Exception]):
        self.base, self.what, self.unknown = base, what, unknown
        self._classes: dict[str, type] = {}

    def register(self, name: str):
        def decorator(cls):
            if not (isinstance(cls, type) and issubclass(cls, self.base)):
                raise TypeError(f"{cls!r} is not a {self.base.__name__} subclass")
            existing = self._classes.get(name)
            if existing is not None and existing is not cls:
                raise ValueError(f"{self.what} name {name!r} is already taken by {existing.__qualname__}")
            cls.name = name
            self._classes[name] = cls
            log.debug("Registered %s %s (%s)", self.what, name, cls.__qualname__)
            return cls

        return decorator

    def names(self) -> list[str]:
        """Every registered name, in registration order."""
        return list(self._classes)

    def get(self, name: str) -> type:
        try:
            return self._classes[name]
        except KeyError:
            raise self.unknown(name, self.names()) from None

    def available(self) -> list[str]:
        """Names whose library is installed (``cls.enabled()``), in registration order."""
        return [name for name, cls in self._classes.items() if cls.enabled()]
