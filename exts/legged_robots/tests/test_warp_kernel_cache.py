"""The Warp kernel cache reuses kernels that code re-declares per call, and only those it can prove equal."""

import numpy as np
import warp as wp

from legged_robots.tasks.utils import warp_kernel_cache


def _declare(scale: float, offset):
    @wp.kernel(enable_backward=False, module="unique")
    def affine(x: wp.array[float], y: wp.array[float]):
        i = wp.tid()
        y[i] = x[i] * wp.static(scale) + wp.static(offset)

    return affine


def _run(kernel) -> np.ndarray:
    x = wp.array(np.arange(4, dtype=np.float32), device="cpu")
    y = wp.zeros(4, dtype=float, device="cpu")
    wp.launch(kernel, dim=4, inputs=[x], outputs=[y], device="cpu")
    return y.numpy()


def _declare_with_list(values):
    @wp.kernel(enable_backward=False, module="unique")
    def first(x: wp.array[float], y: wp.array[float]):
        i = wp.tid()
        y[i] = x[i] + wp.static(values[0])

    return first


def test_same_code_and_closure_values_build_the_kernel_once_and_compute_the_same():
    warp_kernel_cache.install()
    built = []
    warp_build = warp_kernel_cache._original
    warp_kernel_cache._original = lambda f, **options: (built.append(f.__name__), warp_build(f, **options))[1]
    try:
        a, b, c = _declare(2.0, 1.0), _declare(2.0, 1.0), _declare(3.0, 1.0)
        assert a is b and built == ["affine", "affine"]  # (2, 1) once, (3, 1) once
        np.testing.assert_allclose(_run(b), [1, 3, 5, 7])
        np.testing.assert_allclose(_run(c), [1, 4, 7, 10])
        # a closure over a mutable object always goes to Warp: its contents could change between calls
        _declare_with_list([1.0]), _declare_with_list([1.0])
        assert built == ["affine", "affine", "first", "first"]
    finally:
        warp_kernel_cache._original = warp_build
        warp_kernel_cache.uninstall()
    assert wp.kernel is warp_build
