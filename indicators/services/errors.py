"""The errors of the reporting services: refused actions, their message for the user."""


class ReportingError(Exception):
    """A refused reporting action; the message is for the user, in his language."""


class ReportConflict(ReportingError):
    """Someone else saved the report since the user opened it: nothing was overwritten."""
