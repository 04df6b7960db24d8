"""SQLAlchemy repositories of the grants service, one module per group of aggregates."""
from grants.repositories.calls import SqlApplications, SqlCalls
from grants.repositories.funds import SqlContributions, SqlFunds, SqlRates
from grants.repositories.grants import SqlGrants, SqlPayments
from grants.repositories.reviews import SqlPanel, SqlReviews

__all__ = ["SqlApplications", "SqlCalls", "SqlContributions", "SqlFunds", "SqlGrants", "SqlPanel", "SqlPayments",
           "SqlRates", "SqlReviews"]
