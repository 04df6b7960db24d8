"""SQLAlchemy repositories of the programmes service, one per aggregate."""
from programmes.repositories.cities import SqlCityRepository
from programmes.repositories.imports import SqlImportRepository
from programmes.repositories.indicators import SqlIndicatorRepository
from programmes.repositories.narratives import SqlNarrativeRepository
from programmes.repositories.periods import SqlReopeningRepository
from programmes.repositories.programmes import SqlProgrammeRepository
from programmes.repositories.results import SqlResultRepository
from programmes.repositories.schedules import SqlScheduleRepository

__all__ = ["SqlCityRepository", "SqlImportRepository", "SqlIndicatorRepository", "SqlNarrativeRepository",
           "SqlProgrammeRepository", "SqlReopeningRepository", "SqlResultRepository", "SqlScheduleRepository"]
