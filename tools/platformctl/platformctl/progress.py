"""Progress bars for long operations (rich), on stderr so stdout stays the report; off for --json."""
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from platformctl.output import errors


def counting(enabled: bool = True) -> Progress:
    """Items done of a known total: `task = bar.add_task("replaying", total=n)`."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=errors, disable=not enabled)


def transfer(enabled: bool = True) -> Progress:
    """Bytes moved, total unknown (a streamed download) or known (an upload)."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    TransferSpeedColumn(), TimeElapsedColumn(), console=errors, disable=not enabled)
