"""Operator commands for the gateway's API keys, on its database (GATEWAY_DATABASE_URL):

    python -m gateway.cli create-key --organisation platform --role admin [--name ...] [--scopes read,write]
    python -m gateway.cli list-keys
    python -m gateway.cli revoke-key KEY_ID
    python -m gateway.cli new-secret          # a random value for PLATFORM_ADMIN_KEY
    python -m gateway.cli import-iati FILE [--dry-run]   # an IATI 2.03 file, as POST /v1/iati/activities

create-key prints the key once; only its hash is stored."""
import argparse
import json
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # eventlet's notice, on every import

from gateway import auth  # noqa: E402
from gateway.store import open_store  # noqa: E402
from shared.actors import SYSTEM  # noqa: E402
from shared.errors import PlatformError  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: GATEWAY_DATABASE_URL or var/gateway.sqlite3")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-key", help="create an API key and print it (once)")
    create.add_argument("--organisation", required=True)
    create.add_argument("--role", required=True, choices=auth.ROLES)
    create.add_argument("--name", default="created with gateway.cli")
    create.add_argument("--scopes", help="comma-separated subset of the role's scopes")
    create.add_argument("--json", action="store_true", help="print the key's record as JSON")
    commands.add_parser("list-keys", help="list keys (never the keys themselves)")
    revoke = commands.add_parser("revoke-key", help="revoke a key by id")
    revoke.add_argument("key_id")
    commands.add_parser("new-secret", help="print a random value suitable for PLATFORM_ADMIN_KEY")
    iati = commands.add_parser("import-iati", help="import an iati-activities file (progress on stderr, report "
                                                  "as JSON on stdout; AMQP_URI names the broker)")
    iati.add_argument("file")
    iati.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    args = parser.parse_args(argv)

    if args.command == "import-iati":
        from gateway.iati_import.command import run
        return run(args.file, dry_run=args.dry_run)
    if args.command == "new-secret":
        print(auth.new_key())
        return 0
    store = open_store(args.database_url, migrate=True)
    try:
        if args.command == "create-key":
            scopes = [s.strip() for s in args.scopes.split(",")] if args.scopes else None
            view, key = auth.create_key(store, SYSTEM, organisation=args.organisation, role=args.role,
                                        name=args.name, scopes=scopes)
            if args.json:
                print(json.dumps({**view, "key": key}, default=str))
            else:
                print(f"{view['id']} ({view['role']} of {view['organisation']}, scopes {','.join(view['scopes'])})")
                print(f"key (shown once): {key}")
        elif args.command == "list-keys":
            cursor = None
            while True:
                rows, cursor = auth.list_keys_page(store, limit=200, cursor=cursor)
                for row in rows:
                    state = f"revoked {row['revoked_at']:%Y-%m-%d}" if row["revoked_at"] else "live"
                    print(f"{row['id']}\t{row['prefix']}…\t{row['role']}\t{row['organisation']}\t{state}\t{row['name']}")
                if cursor is None:
                    break
        elif args.command == "revoke-key":
            view = auth.revoke_key(store, args.key_id, actor=SYSTEM)
            print(f"{view['id']} revoked at {view['revoked_at']}")
    except PlatformError as exc:  # a clear message, not a trace, for operator mistakes
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
