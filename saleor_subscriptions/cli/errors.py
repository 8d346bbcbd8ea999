"""The one error every subcommand raises for bad input: exit 2 and one line on stderr."""


class UsageError(Exception):
    """Bad input on the command line: names the flag and the reason."""

    def __init__(self, flag: str, reason: str) -> None:
        super().__init__(f"{flag}: {reason}")
        self.flag = flag
        self.reason = reason
