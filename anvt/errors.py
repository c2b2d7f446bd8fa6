"""The one exception a user may read: what every service raises when the rules refuse."""


class Refused(Exception):
    """An action the rules refuse, with a translated message the user may read (the workflow's
    WorkflowError is one). `anvt.http.act` shows it to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
