"""The one error every subcommand raises for bad input: exit 2 and one line on stderr."""


class UsageError(Exception):
    """Bad input on the command line: names the flag and the reason."""

    def __init__(self, flag: str, reason: str) -> None:
        super().__init__(f"{flag}: {reason}")
        self.flag = flag
        self.reason = reason


def parse_installation_id(text: str, flag: str = "--installation") -> int:
    """An installation's id as given on the command line; a UsageError naming `flag` when it is not one."""
    try:
        return int(text)
    except ValueError:
        raise UsageError(flag, f"an installation id is a whole number, got {text!r}") from None
