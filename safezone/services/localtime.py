"""The community's local calendar (Asia/Shanghai): which day an instant belongs to.

Daily point caps and daily rollups count *local* days: a play at 23:50 in Wuhan belongs to that
evening, not to the UTC day. Times are stored as aware UTC; this module is the one place that
turns them into local days, in Python and in SQL (so incremental and rebuilt rollups agree).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Date, SQLColumnExpression, cast, func, literal_column
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

LOCAL_TZ_NAME = "Asia/Shanghai"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)

#: Name of the SQL function registered on SQLite connections by :func:`local_day_sql`.
_SQLITE_FUNCTION = "safezone_local_day"


def require_aware(value: datetime, name: str = "now") -> datetime:
    """Return ``value`` if it carries a time zone, else raise ``ValueError`` naming the argument."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be time-zone aware (e.g. UTC), got a naive datetime")
    return value


def local_day(instant: datetime) -> date:
    """The local (Asia/Shanghai) calendar day of an aware instant."""
    return require_aware(instant, "instant").astimezone(LOCAL_TZ).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local calendar day."""
    start = datetime.combine(day, time(0), tzinfo=LOCAL_TZ)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


@lru_cache(maxsize=4096)
def _sqlite_local_day_of_hour(utc_hour_prefix: str) -> str:
    # Asia/Shanghai offsets are whole hours (since 1901), so the UTC hour decides the local day;
    # caching by hour makes a rebuild over millions of rows cheap.
    instant = datetime.fromisoformat(utc_hour_prefix + ":00:00").replace(tzinfo=UTC)
    return instant.astimezone(LOCAL_TZ).date().isoformat()


def _sqlite_local_day(stored: str | None) -> str | None:
    # SQLite keeps UTCDateTime values as naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff".
    if stored is None:
        return None
    return _sqlite_local_day_of_hour(stored[:13])


def local_day_sql(session: Session, column: SQLColumnExpression[datetime]) -> ColumnElement[date]:
    """A SQL expression for the local day of a UTC timestamp column, for set-based queries.

    PostgreSQL uses its own time-zone database; on SQLite a small Python function (zoneinfo)
    is registered on the session's connection first.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # A literal (not a bound parameter) so the same expression can be grouped by.
        return cast(func.timezone(literal_column(f"'{LOCAL_TZ_NAME}'"), column), Date)
    if dialect == "sqlite":
        driver = connection.connection.driver_connection
        assert driver is not None, "a checked-out SQLite connection always has its driver connection"
        driver.create_function(_SQLITE_FUNCTION, 1, _sqlite_local_day, deterministic=True)
        return getattr(func, _SQLITE_FUNCTION)(column, type_=Date)
    raise NotImplementedError(
        f"local days in SQL are implemented for SQLite and PostgreSQL, not {dialect}"
    )
