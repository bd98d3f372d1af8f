"""argparse types that check a value where it is parsed, before anything heavy is imported: a bad number or a
missing file is argparse's one ``error:`` line naming the argument and the value, exit code 2."""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def _number(kind, text: str):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {'an integer' if kind is int else 'a number'}, got {text!r}") \
            from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _bounds(lo, hi, lo_open: bool, hi_open: bool) -> str:
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '<='} {hi:g}")
    return " and ".join(parts)


def _ranged(kind, lo, hi, lo_open: bool, hi_open: bool, note: str):
    def parse(text: str):
        value = _number(kind, text)
        if (lo is not None and (value <= lo if lo_open else value < lo)) or \
                (hi is not None and (value >= hi if hi_open else value > hi)):
            raise argparse.ArgumentTypeError(f"must be {_bounds(lo, hi, lo_open, hi_open)}{note}, got {text!r}")
        return value

    parse.__name__ = "int" if kind is int else "float"  # argparse names the type in some messages
    parse.bounds = (lo, hi, lo_open, hi_open)  # read by the bad-input test table
    return parse


def int_in(lo: int | None = None, hi: int | None = None, note: str = ""):
    """An integer within [lo, hi] (either end open-ended when None)."""
    return _ranged(int, lo, hi, False, False, note)


def float_in(lo: float | None = None, hi: float | None = None, lo_open: bool = False, hi_open: bool = False,
             note: str = ""):
    """A finite number within the bounds; ``lo_open``/``hi_open`` exclude the end itself."""
    return _ranged(float, lo, hi, lo_open, hi_open, note)


POSITIVE_INT = int_in(1)
NON_NEGATIVE_INT = int_in(0)
NON_NEGATIVE = float_in(0.0)
POSITIVE = float_in(0.0, lo_open=True)


def existing_file(text: str) -> str:
    """A path to a file that exists and is not empty (kept as the text given)."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory; a file is expected")
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    if path.stat().st_size == 0:
        raise argparse.ArgumentTypeError(f"{text} is empty")
    return text


existing_file.is_file_arg = True  # read by the bad-input test table
