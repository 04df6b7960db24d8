"""`python -m gateway.cli import-iati FILE [--dry-run]`: the operator's import of a large
IATI file, through the same code as POST /v1/iati/activities (importer.import_document),
as the platform itself (SYSTEM: any reporting organisation), straight from the file (no
size limit: the operator chose the file), with a progress bar on stderr."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from gateway.iati_import.importer import import_document
from gateway.problems import DocumentRefused
from shared.actors import SYSTEM
from shared.errors import PlatformError


class ProgressBar:
    """`[#####.....]  12.5/50.0 MB  25%` on one line of `out`, redrawn at each whole percent."""

    def __init__(self, total: int, out: TextIO, width: int = 30):
        self.total, self.out, self.width, self.shown = max(total, 1), out, width, -1

    def __call__(self, done: int) -> None:
        percent = min(100, done * 100 // self.total)
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * percent // 100
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done / 1e6:6.1f}/{self.total / 1e6:.1f} MB "
                       f"{percent:3d}%")
        if percent == 100:
            self.out.write("\n")
        self.out.flush()


def run(path: str, *, dry_run: bool, amqp_uri: str | None = None, deadline: float | None = None,
        out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from nameko.standalone.rpc import ClusterRpcProxy

    amqp_uri = amqp_uri or os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    timeout = deadline or float(os.environ.get("IATI_IMPORT_DEADLINE_SECONDS", 300))
    file = Path(path)
    try:
        with file.open("rb") as stream, ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout) as rpc:
            report: dict[str, Any] = import_document(stream, actor=SYSTEM, dry_run=dry_run,
                                                     service=rpc.programmes,
                                                     progress=ProgressBar(file.stat().st_size, err))
    except DocumentRefused as exc:
        err.write("\n")
        for problem in exc.problems:
            err.write(f"{problem['kind']}\t{problem['activity'] or '-'}\tline {problem['line']}\t{problem['path']}\t"
                      f"{problem['reason']}\n")
        err.write(f"refused: {exc.detail}\n")
        return 1
    except PlatformError as exc:
        err.write(f"\nerror: {exc.detail}\n")
        return 1
    json.dump(report, out, indent=2, default=str)
    out.write("\n")
    return 0
