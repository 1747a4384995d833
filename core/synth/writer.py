"""Write chunks of rows into the database: raw DBAPI ``executemany`` on SQLite, SQLAlchemy Core elsewhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, delete, func, insert, select

from core.db import schema as s
from core.synth.rows import COLUMNS, ChunkRows, Dialect

PORTFOLIO_TABLES = (*COLUMNS, "portfolio_meta", "property_transactions", "collateral_truth")


def dialect_of(engine: Engine) -> Dialect:
    """Row format for ``engine``."""
    return "sqlite" if engine.dialect.name == "sqlite" else "generic"


def existing_cases(engine: Engine) -> int:
    """Number of cases already in the database."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(s.Case.__table__)).scalar_one())


def clear_portfolio(engine: Engine) -> None:
    """Delete the portfolio and every row of other tables that refers to it (children first)."""
    reflected = MetaData()
    reflected.reflect(engine)
    doomed = {t for t in PORTFOLIO_TABLES if t in reflected.tables} | {"case_audit"}
    changed = True
    while changed:  # tables added by later migrations that point at portfolio rows go too
        changed = False
        for table in reflected.tables.values():
            if table.name not in doomed and any(fk.column.table.name in doomed for fk in table.foreign_keys):
                doomed.add(table.name)
                changed = True
    with engine.begin() as conn:
        for table in reversed(reflected.sorted_tables):
            if table.name in doomed:
                conn.execute(delete(table))


class ChunkWriter:
    """Inserts chunks, one transaction per chunk; a context manager around one connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = dialect_of(engine)
        self._raw: Any = None
        self._conn: Connection | None = None
        self._indexes: list[tuple[str, str]] = []
        self._tables: dict[str, Table] = {t.name: t for t in s.Base.metadata.sorted_tables}

    def __enter__(self) -> ChunkWriter:
        if self.dialect == "sqlite":
            self._raw = self.engine.raw_connection()
            cur = self._raw.cursor()
            # A bulk load of rows the generator made consistent: no fsync per commit, no per-row FK lookups.
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA cache_size=-131072")
            # Secondary indexes are dropped for the load and rebuilt once at the end (a sort beats 1M B-tree inserts).
            names = ",".join(f"'{t}'" for t in COLUMNS)
            cur.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({names})"
            )
            self._indexes = cur.fetchall()
            for name, _ in self._indexes:
                cur.execute(f'DROP INDEX "{name}"')
            self._raw.commit()
            cur.close()
        else:
            self._conn = self.engine.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._raw is not None:
            cur = self._raw.cursor()
            for _, sql in self._indexes:
                cur.execute(sql)
            self._raw.commit()
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA cache_size=-2000")
            cur.close()
            self._raw.close()
            self._raw = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def write(self, chunk: ChunkRows) -> None:
        """Insert every table of ``chunk`` in one transaction."""
        if self._raw is not None:
            cur = self._raw.cursor()
            try:
                for name, cols in COLUMNS.items():
                    rows = chunk.tables[name]
                    if rows:
                        marks = ",".join("?" * len(cols))
                        cur.executemany(f"INSERT INTO {name} ({','.join(cols)}) VALUES ({marks})", rows)
                self._raw.commit()
            except BaseException:
                self._raw.rollback()
                raise
            finally:
                cur.close()
            return
        assert self._conn is not None
        with self._conn.begin():
            for name, cols in COLUMNS.items():
                rows = chunk.tables[name]
                if rows:
                    self._conn.execute(self._tables[name].insert(), [dict(zip(cols, r, strict=True)) for r in rows])

    def write_meta(self, facts: dict[str, str]) -> None:
        """Replace the ``portfolio_meta`` rows with ``facts``."""
        with self.engine.begin() as conn:
            conn.execute(delete(s.PortfolioMeta))
            conn.execute(insert(s.PortfolioMeta), [{"key": k, "value": v} for k, v in facts.items()])
