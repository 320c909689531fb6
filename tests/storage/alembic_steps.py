"""Alembic, driven by the tests on a connection: upgrades to a revision, and the schema's
differences from the models."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.database import MIGRATIONS
from storage.tables import metadata


def upgrade_to(revision: str) -> Callable[[Connection], None]:
    """For `connection.run_sync`: the migrations up to `revision` ("head" for all)."""

    def upgrade(connection: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    return upgrade


def differences_from_the_models(connection: Connection) -> list[object]:
    options = {"compare_type": True, "compare_server_default": True}
    return list(compare_metadata(MigrationContext.configure(connection, opts=options), metadata))
