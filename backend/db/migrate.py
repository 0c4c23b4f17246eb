"""`python -m backend.db.migrate`: bring the configured database to the newest schema."""
from ..settings import Settings
from .session import migrate

if __name__ == "__main__":
    migrate(Settings().resolved_database_url)
