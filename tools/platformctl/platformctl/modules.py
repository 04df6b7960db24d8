"""Operations that exist only inside a service's own package and database (its migrations,
metrics' reconcile and rebuild) run as that package's module in a subprocess, with the same
environment: platformctl imports no service. Where the package is not installed, say where it is."""
import importlib.util
import subprocess
import sys
from collections.abc import Sequence

from platformctl.errors import CtlError


def run_module(service: str, module: str, argv: Sequence[str] = (), *, capture: bool = False
               ) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(service) is None:
        raise CtlError(f"the {service} package is not installed where platformctl runs; run it from the "
                       f"{service} image instead (docker compose run --rm {service} python -m {module})")
    return subprocess.run([sys.executable, "-m", module, *argv], text=True, check=False,
                          stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE if capture else None)
