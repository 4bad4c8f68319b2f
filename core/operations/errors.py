"""The one error type of the operations commands: its text is the line the operator reads."""


class OperationError(Exception):
    pass
