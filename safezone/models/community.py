"""The community: site, plots, buildings, households and residents."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safezone.db.base import Base, UTCDateTime, utcnow
from safezone.labels import building_label, flat_label, plot_label


class AgeGroup(str, enum.Enum):
    """Who a resident is for content and statistics: children play kids' mode, elders get no timers."""

    CHILD = "child"
    ADULT = "adult"
    ELDER = "elder"


class Site(Base):
    """A residential compound, e.g. 锦秀城三期."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Display name (zh-CN), printed on cards and shown on the kiosk.
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: English name, optional.
    name_en: Mapped[str | None] = mapped_column(String(100))
    #: Number of households the community counts; reach is measured against it (1,462 here).
    household_target: Mapped[int] = mapped_column(Integer, default=0)

    plots: Mapped[list[Plot]] = relationship(back_populates="site", order_by="Plot.number")


class Plot(Base):
    """A plot (地块) of the site."""

    __tablename__ = "plot"
    __table_args__ = (UniqueConstraint("site_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Site the plot belongs to.
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    #: Plot number as the community uses it (1号地块 → 1).
    number: Mapped[int] = mapped_column(Integer)

    site: Mapped[Site] = relationship(back_populates="plots")
    buildings: Mapped[list[Building]] = relationship(
        back_populates="plot", order_by="Building.number"
    )

    @property
    def label(self) -> str:
        """Chinese label, e.g. ``1号地块``."""
        return plot_label(self.number)


class Building(Base):
    """A residential building (栋) on a plot."""

    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("plot_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Plot the building stands on.
    plot_id: Mapped[int] = mapped_column(ForeignKey("plot.id", ondelete="CASCADE"), index=True)
    #: Building number within its plot (5栋 → 5).
    number: Mapped[int] = mapped_column(Integer)
    #: Number of units (单元, staircases); 0 = not set. When set, the register is checked against it.
    units: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    plot: Mapped[Plot] = relationship(back_populates="buildings")
    households: Mapped[list[Household]] = relationship(back_populates="building")

    @property
    def label(self) -> str:
        """Chinese label, e.g. ``1号地块5栋``."""
        return building_label(self.plot.number, self.number)


class Household(Base):
    """A household (户): the flat a group of residents live in."""

    __tablename__ = "household"
    __table_args__ = (UniqueConstraint("building_id", "unit", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Building of the flat.
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    #: Staircase/unit (单元) number.
    unit: Mapped[int] = mapped_column(Integer)
    #: Door number, e.g. ``1203``.
    room: Mapped[str] = mapped_column(String(16))
    #: When the household was registered.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    building: Mapped[Building] = relationship(back_populates="households")
    residents: Mapped[list[Resident]] = relationship(back_populates="household")

    @property
    def label(self) -> str:
        """Chinese address label, e.g. ``1号地块5栋2单元1203``."""
        return flat_label(self.building.plot.number, self.building.number, self.unit, self.room)


class Resident(Base):
    """A person living in a household. Personal fields are cleared when anonymised."""

    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Household the resident belongs to.
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    #: Full name; only staff see it; None once anonymised.
    full_name: Mapped[str | None] = mapped_column(String(64))
    #: Name shown on the kiosk, rankings and cards (never the full name).
    nickname: Mapped[str] = mapped_column(String(32))
    #: Age group, drives kids' mode and statistics.
    age_group: Mapped[AgeGroup] = mapped_column(
        Enum(AgeGroup, native_enum=False, length=8, values_callable=lambda e: [m.value for m in e])
    )
    #: Year of birth if known (for age statistics), None once anonymised.
    birth_year: Mapped[int | None] = mapped_column(Integer)
    #: Contact phone, None once anonymised.
    phone: Mapped[str | None] = mapped_column(String(32))
    #: The resident (or guardian) agreed that plays are recorded against their name.
    consent: Mapped[bool] = mapped_column(default=False)
    #: When consent was given or withdrawn last.
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the person was anonymised (history kept without the person).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the resident was registered.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship(back_populates="residents")
