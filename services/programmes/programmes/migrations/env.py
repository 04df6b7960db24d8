from shared.migrations import run_env
from programmes.models import metadata

run_env(metadata)
