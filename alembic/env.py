"""Alembic environment: the URL from the caller's config, else from the server's settings."""
from alembic import context
from sqlalchemy import pool

from backend.db.models import Base
from backend.db.session import make_engine

config = context.config


def database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from backend.settings import Settings

    return Settings().resolved_database_url


def run_migrations() -> None:
    url = database_url()
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, render_as_batch=True, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=url.startswith("sqlite"))  # SQLite cannot ALTER most things
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
