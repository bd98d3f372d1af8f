"""One error type for bad motion data, always naming where the problem is."""

from __future__ import annotations


class MotionDataError(ValueError):
    """Bad or unusable motion data. The message names file, clip, field and frame where they are known."""

    def __init__(self, problem: str, *, file: object = None, clip: str | None = None,
                 field: str | None = None, frame: int | None = None):
        where = [f"{k} {v}" for k, v in (("file", file), ("clip", clip), ("field", field), ("frame", frame))
                 if v is not None]
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)
        self.problem, self.file, self.clip, self.field, self.frame = problem, file, clip, field, frame
