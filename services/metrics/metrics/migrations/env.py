from shared.migrations import run_env
from metrics.models import metadata

run_env(metadata)
