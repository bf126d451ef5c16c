"""Reads from a read replica, writes to the primary, when DATABASE_REPLICA_URL names a replica."""

from typing import Any

from django.db.models import Model


class PrimaryReplicaRouter:
    """Public pages read from the replica; every write, and every read inside a write's transaction, goes to the
    primary (Django routes related-object reads of an instance to the database it came from)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return "replica"

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"
