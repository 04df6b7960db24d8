"""`python -m gateway.migrate`: bring the gateway's database to the latest revision."""
from shared.migrations import main

if __name__ == "__main__":
    main("gateway", "gateway")
