from shared.migrations import run_env
from grants.models import metadata

run_env(metadata)
