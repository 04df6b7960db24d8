"""`platformctl keys create|list|revoke`: API keys through the gateway's /v1/keys (admin key)."""
import argparse
from typing import Any
from urllib.parse import quote

from platformctl import output
from platformctl.gateway import Gateway
from platformctl.options import common

COLUMNS = ("id", "prefix", "organisation", "role", "scopes", "name", "created_at", "revoked_at")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("keys", help="create, list and revoke API keys (through the gateway)",
                                   description="API keys, through the gateway's /v1/keys with the admin key.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", parents=[common()], help="create a key (shown once)")
    create.add_argument("--organisation", required=True, help="the organisation the key acts for")
    create.add_argument("--role", required=True, choices=("admin", "partner", "reader"))
    create.add_argument("--name", default="", help="a label to recognise the key by")
    create.add_argument("--scope", action="append", dest="scopes", metavar="SCOPE",
                        help="a scope (repeat; default: all of the role's)")
    listing = actions.add_parser("list", parents=[common()], help="list keys")
    listing.add_argument("--organisation")
    listing.add_argument("--role", choices=("admin", "partner", "reader"))
    state = listing.add_mutually_exclusive_group()
    state.add_argument("--revoked", action="store_const", const="true", dest="revoked", help="only revoked keys")
    state.add_argument("--live", action="store_const", const="false", dest="revoked", help="only live keys")
    revoke = actions.add_parser("revoke", parents=[common()], help="revoke a key (immediate)")
    revoke.add_argument("id", help="the key's id (not the key itself)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    gateway = Gateway.from_args(args)
    if args.action == "create":
        body: dict[str, Any] = {"organisation": args.organisation, "role": args.role, "name": args.name}
        if args.scopes:
            body["scopes"] = args.scopes
        created = gateway.json("POST", "/v1/keys", json=body, ok=(201,))
        if args.json:
            output.emit_json(created)
        else:
            output.console.print(f"created key {created['id']} for {created['organisation']} ({created['role']}); "
                                 "the key, shown only now:")
            print(created["key"])
        return 0
    if args.action == "list":
        params = {k: v for k, v in (("organisation", args.organisation), ("role", args.role),
                                    ("revoked", args.revoked)) if v is not None}
        keys = list(gateway.pages("/v1/keys", params))
        rows = [{**k, "scopes": ",".join(k["scopes"])} for k in keys]
        output.report(keys, args.json, rows, COLUMNS, title="API keys")
        return 0
    revoked = gateway.json("DELETE", f"/v1/keys/{quote(args.id, safe='')}")
    if args.json:
        output.emit_json(revoked)
    else:
        output.console.print(f"revoked key {revoked['id']} ({revoked['organisation']}, {revoked['role']}) "
                             f"at {revoked['revoked_at']}")
    return 0
