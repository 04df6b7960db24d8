"""The options every subcommand shares, each read from the environment unless given as a flag."""
import argparse
import os

from shared.config import DEFAULT_AMQP_URI

DEFAULT_GATEWAY = "http://127.0.0.1:8000"
DEFAULT_MANAGEMENT = "http://127.0.0.1:15672"


def common() -> argparse.ArgumentParser:
    """A parent parser: `subparsers.add_parser(name, parents=[common()])`."""
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("platform")
    group.add_argument("--gateway", default=os.environ.get("PLATFORM_URL", DEFAULT_GATEWAY),
                       help="the gateway's base URL (PLATFORM_URL, default %(default)s)")
    group.add_argument("--admin-key", default=os.environ.get("PLATFORM_ADMIN_KEY"),
                       help="an admin API key for the gateway (PLATFORM_ADMIN_KEY)")
    group.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI),
                       help="the broker (AMQP_URI, default %(default)s)")
    group.add_argument("--management-url",
                       default=os.environ.get("RABBITMQ_MANAGEMENT_URL", DEFAULT_MANAGEMENT),
                       help="RabbitMQ's management API (RABBITMQ_MANAGEMENT_URL, default %(default)s)")
    group.add_argument("--json", action="store_true", help="print the report as JSON, for scripts")
    return parser
