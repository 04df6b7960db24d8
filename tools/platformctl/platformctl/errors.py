"""What a subcommand raises to stop with a clear one-line message (exit code 1)."""


class CtlError(Exception):
    """A failure the operator can act on: the message is printed as is, without a traceback."""
