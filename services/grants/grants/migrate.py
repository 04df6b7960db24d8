"""`python -m grants.migrate`: bring the service's database to the latest revision."""
from shared.migrations import main

if __name__ == "__main__":
    main("grants", "grants")
