"""The journal store: one small DB-API layer that speaks SQLite and PostgreSQL.

Why not an ORM: ``repcheck log`` has a 300 ms budget from process start. Importing SQLModel
costs about 0.27 s on the project's 2-core machines and SQLAlchemy Core about 0.15 s, while
the stdlib ``sqlite3`` module costs 0.01 s. The journal's SQL is small and portable, so it
is written once, with ``:name`` parameters, and :mod:`repcheck.store.db` adapts it to each
driver. The Postgres driver (psycopg 3) is imported only when a ``postgresql://`` URL is
used.
"""
