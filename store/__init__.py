"""Rows: SQLAlchemy 2.0 models, engine and sessions, queries, Alembic migrations."""
