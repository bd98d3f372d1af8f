"""Reuse Warp kernels that library code re-declares on every call.

Newton's ``intersect_ray`` (the height scanner's ray cast) declares its kernel inside the function body
with ``module="unique"``, so Warp re-hashes the kernel's source on every call: ~10 ms per env step on
CPU, whatever the number of envs (benchmarks/mdp_managers.py). On a GPU Isaac Lab replays a captured
CUDA graph and never gets there. ``install()`` wraps ``warp.kernel`` so that the same nested function
code, with the same scalar closure values and the same options, gets the kernel built the first time.
Anything else (other closures, module-level kernels) goes to Warp unchanged.
"""

from __future__ import annotations

import functools

import warp as wp

_SCALARS = (bool, int, float, str, type(None))
_cache: dict = {}
_original = None


def _key(f, options: dict):
    if options.get("module") != "unique" or "<locals>" not in f.__qualname__:
        return None
    try:
        closure = tuple(c.cell_contents for c in (f.__closure__ or ()))
    except ValueError:  # an empty cell
        return None
    if not all(isinstance(v, _SCALARS) for v in closure):
        return None
    flat = []
    for k, v in sorted(options.items()):
        if isinstance(v, dict):
            if not all(isinstance(x, _SCALARS) for x in v.values()):
                return None
            v = tuple(sorted(v.items()))
        elif not isinstance(v, _SCALARS):
            return None
        flat.append((k, v))
    return f.__code__, id(f.__globals__), closure, tuple(flat)


def install() -> None:
    """Idempotent. Kernels already cached stay valid: a key pins the code and every value baked into it."""
    global _original
    if _original is not None:
        return
    _original = wp.kernel

    @functools.wraps(_original)
    def kernel(f=None, **options):
        def decorate(func):
            key = _key(func, options)
            if key is None:
                return _original(func, **options)
            if key not in _cache:
                _cache[key] = _original(func, **options)
            return _cache[key]

        return decorate if f is None else decorate(f)

    wp.kernel = kernel


def uninstall() -> None:
    global _original
    if _original is not None:
        wp.kernel = _original
        _original = None
        _cache.clear()
