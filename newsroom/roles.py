"""The newsroom's roles, as code: which group may do what in the admin.

``manage.py setup_roles`` makes the groups match this table exactly, so running it again after a change
both grants and withdraws permissions.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

EDITORS = "Editors"
ADMINISTRATORS = "Administrators"

ALL = ("add", "change", "delete", "view")
EDIT = ("add", "change", "view")

# Editors write and publish; they archive rather than delete, and only remove pictures from a gallery.
EDITOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "newsroom.article": EDIT,
    "newsroom.articleimage": ALL,
    "newsroom.correction": EDIT,
    "newsroom.event": EDIT,
    "newsroom.partner": EDIT,
    "newsroom.partnership": EDIT,
    "newsroom.image": EDIT,
    "newsroom.topic": EDIT,
    "newsroom.province": ("view",),
    "newsroom.country": ("view",),
}

# Administrators also delete content, moderate submissions and manage accounts. Submissions are never
# deleted by a role (only a superuser can), and accounts are deactivated, not deleted, so the history
# and the moderation trail keep naming who did what.
ADMINISTRATOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    **{model: ALL for model in EDITOR_PERMISSIONS},
    "newsroom.province": EDIT,
    "newsroom.country": EDIT,
    "newsroom.submission": ("change", "view"),
    "newsroom.submissionimage": ("view",),
    "newsroom.submissiondecision": ("view",),
    "auth.user": EDIT,
    "auth.group": ("view",),
}

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    EDITORS: EDITOR_PERMISSIONS,
    ADMINISTRATORS: ADMINISTRATOR_PERMISSIONS,
}


def permissions_for(table: dict[str, tuple[str, ...]]) -> list[Permission]:
    """The Permission rows a table names; a name that matches no row is a mistake in the table."""
    wanted = set()
    for label, actions in table.items():
        app_label, model_name = label.split(".")
        wanted |= {(app_label, f"{action}_{model_name}") for action in actions}
    condition = Q(pk__in=[])
    for app_label, codename in wanted:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition).select_related("content_type"))
    missing = wanted - {(permission.content_type.app_label, permission.codename) for permission in found}
    if missing:
        raise LookupError(f"Unknown permissions: {sorted(missing)}")
    return found


@transaction.atomic
def sync_roles() -> dict[str, int]:
    """Create the groups if needed and set their permissions to exactly the table's; return the counts."""
    counts = {}
    for name, table in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = permissions_for(table)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
