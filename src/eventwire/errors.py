"""The one exception root of eventwire and its few subclasses."""


class EventwireError(Exception):
    """Base of every error eventwire raises on purpose."""


class InputError(EventwireError):
    """An input item cannot be read; callers turn it into a `Failure` record."""


class DataFileError(EventwireError):
    """A bundled or user data file (YAML/TSV) is malformed; the message names file and line."""
