"""Domain errors. The library raises them; only the CLI turns them into one-line messages."""


class TrackerError(Exception):
    """Anything the user can fix: bad input, missing sections, no model."""


class InputError(TrackerError):
    """The file cannot be read as a report (missing, empty, binary, undecodable)."""


class StructureError(TrackerError):
    """The text has no recognisable review/plan sections, or their years do not follow."""


class ModelError(TrackerError):
    """The embedding model cannot be fetched or loaded."""


class GoldError(TrackerError):
    """A gold or audit file that `tracker eval` cannot read."""


class ReviewError(TrackerError):
    """A reviewed workbook or reviews file that cannot be used as it is."""
