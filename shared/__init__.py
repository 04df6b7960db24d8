"""What the platform's services share: event contracts, the outbox/inbox backbone,
database and configuration helpers. Nothing service-specific lives here."""
