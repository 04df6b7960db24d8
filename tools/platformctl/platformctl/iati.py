"""`platformctl iati import|export`: IATI 2.03 documents through the gateway's HTTP API.

import: POST /v1/iati/activities (all or nothing; --dry-run checks only); export: GET
/v1/iati/activities.xml, streamed to a file as it arrives."""
import argparse
import os
from pathlib import Path
from typing import Any

from platformctl import output, progress
from platformctl.errors import CtlError
from platformctl.gateway import Gateway
from platformctl.options import common

CHUNK = 64 * 1024
FILTERS = ("organisation", "country", "status", "modified_since")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("iati", help="import or export IATI 2.03 activities (through the gateway)",
                                   description="IATI 2.03 iati-activities documents through the gateway.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser("import", parents=[common()], help="import an iati-activities document")
    load.add_argument("file", type=Path, help="the XML document")
    load.add_argument("--dry-run", action="store_true", help="check it and report, import nothing")
    dump = actions.add_parser("export", parents=[common()], help="export activities to a file, streamed")
    dump.add_argument("file", type=Path, help="where to write the XML (- for stdout)")
    for name in FILTERS:
        dump.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"the programmes list's {name} filter")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    gateway = Gateway.from_args(args)
    return import_document(gateway, args) if args.action == "import" else export(gateway, args)


def import_document(gateway: Gateway, args: argparse.Namespace) -> int:
    try:
        body = args.file.read_bytes()
    except OSError as exc:
        raise CtlError(f"cannot read {args.file}: {exc.strerror}") from None
    response = gateway.request("POST", "/v1/iati/activities", ok=(200, 201, 422), data=body,
                               params={"dry_run": "true"} if args.dry_run else None,
                               headers={"Content-Type": "application/xml"}, timeout=600)
    report = response.json()
    if response.status_code == 422:
        if args.json:
            output.emit_json(report)
        else:
            output.table([{k: e.get(k) for k in ("kind", "activity", "path", "line", "reason")}
                          for e in report.get("errors", [])], ("kind", "activity", "path", "line", "reason"),
                         title=report.get("detail"))
        raise CtlError(f"{args.file}: {report.get('detail', 'refused')}")
    rows = [{**a, "warnings": len(a.get("warnings", []))} for a in report.get("activities", [])]
    title = f"{'dry run: would import' if args.dry_run else 'imported'} {len(rows)} activities from {args.file}"
    output.report(report, args.json, rows, ("iati_identifier", "programme_id", "outcome", "warnings"), title=title)
    return 0


def export(gateway: Gateway, args: argparse.Namespace) -> int:
    params = {name: getattr(args, name) for name in FILTERS if getattr(args, name)}
    to_stdout = str(args.file) == "-"
    response = gateway.request("GET", "/v1/iati/activities.xml", params=params, stream=True, timeout=600)
    target = args.file.with_name(args.file.name + ".part")
    written = 0
    try:
        with response, progress.transfer(not (to_stdout or args.json)) as bar, \
                (os.fdopen(os.dup(1), "wb") if to_stdout else target.open("wb")) as out:
            task = bar.add_task(f"exporting to {args.file}", total=None)
            for chunk in response.iter_content(CHUNK):
                out.write(chunk)
                written += len(chunk)
                bar.update(task, advance=len(chunk))
    except OSError as exc:
        raise CtlError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    if not to_stdout:
        target.replace(args.file)  # a whole document or none: an interrupted export leaves only .part
        summary = {"file": str(args.file), "bytes": written}
        output.emit_json(summary) if args.json else output.errors.print(f"wrote {written} bytes to {args.file}")
    return 0
