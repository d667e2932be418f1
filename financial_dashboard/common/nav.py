"""The navigation menu: each feature adds its own entries, so a new page never edits another feature."""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    order: int = 50
    requires_login: bool = True
    badge: Callable[[], int] | None = None  # a count shown beside the label (unread alerts), 0 hides it


def add_nav(
    blueprint,
    label: str,
    endpoint: str,
    order: int = 50,
    requires_login: bool = True,
    badge: Callable[[], int] | None = None,
):
    """Register a menu entry when ``blueprint`` is registered on an app."""
    item = NavItem(label, endpoint, order, requires_login, badge)
    blueprint.record_once(lambda state: state.app.extensions.setdefault("nav", []).append(item))


def nav_items(app, signed_in: bool) -> list[NavItem]:
    items = app.extensions.get("nav", [])
    return sorted((i for i in items if signed_in or not i.requires_login), key=lambda i: (i.order, i.label))
