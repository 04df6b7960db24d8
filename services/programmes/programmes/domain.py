"""The programmes domain, free of frameworks and databases."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from shared.errors import InvalidInput


@dataclass(frozen=True)
class City:
    name: str
    country: str

    def as_dict(self):
        return {"name": self.name, "country": self.country}


@dataclass
class Result:
    id: str
    programme_id: str
    indicator: str
    city: City
    value: int
    recorded_at: datetime


@dataclass
class Programme:
    id: str
    title: str
    funding_window: str
    themes: list[str]
    countries: list[str]
    cities: list[City]
    created_at: datetime
    updated_at: datetime
    results: list[Result] = field(default_factory=list)

    @classmethod
    def create(cls, *, title, funding_window, themes, countries, cities, now: datetime) -> "Programme":
        cities = [City(c["name"].strip(), c["country"]) for c in cities]
        errors = {}
        for i, city in enumerate(cities):
            if city.country not in countries:
                errors[f"cities.{i}.country"] = [
                    f"{city.country!r} is not one of the programme's countries {sorted(countries)}"]
            if city in cities[:i]:
                errors[f"cities.{i}"] = [f"{city.name} ({city.country}) is listed twice"]
        for name, values in (("themes", themes), ("countries", countries)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                errors[name] = [f"listed more than once: {', '.join(dupes)}"]
        if errors:
            raise InvalidInput(errors)
        return cls(id=str(uuid.uuid4()), title=title.strip(), funding_window=funding_window,
                   themes=list(themes), countries=list(countries), cities=cities,
                   created_at=now, updated_at=now)

    def record_result(self, *, indicator: str, city: dict, value: int, now: datetime) -> Result:
        where = City(city["name"].strip(), city["country"])
        if where not in self.cities:
            raise InvalidInput({"city": [
                f"{where.name} ({where.country}) is not one of this programme's cities"]})
        result = Result(id=str(uuid.uuid4()), programme_id=self.id, indicator=indicator, city=where,
                        value=value, recorded_at=now)
        self.results.append(result)
        return result
