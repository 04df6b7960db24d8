"""City records: one record per city however many programmes work in it."""
from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shared.errors import InvalidInput


def city_key(name: str) -> str:
    """How a city name is compared: case, accents' composition and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class City:
    id: str
    name: str
    country: str
    population: int | None = None
    secondary_city: bool = True
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def register(cls, *, name: str, country: str, population: int | None = None, secondary_city: bool = True,
                 latitude: Decimal | None = None, longitude: Decimal | None = None, now: datetime) -> City:
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            raise InvalidInput({missing: ["give both latitude and longitude, or neither"]})
        return cls(id=new_id(), name=" ".join(name.split()), country=country, population=population,
                   secondary_city=secondary_city, latitude=latitude, longitude=longitude,
                   created_at=now, updated_at=now)

    @property
    def key(self) -> tuple[str, str]:
        return self.country, city_key(self.name)

    def ref(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "country": self.country}

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "country": self.country, "population": self.population,
                "secondary_city": self.secondary_city, "latitude": self.latitude, "longitude": self.longitude}
