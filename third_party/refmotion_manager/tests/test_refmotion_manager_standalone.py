"""refmotion_manager is a library of its own: it imports without Isaac Lab."""

import subprocess
import sys


def test_imports_without_isaaclab():
    code = ("import refmotion_manager, sys; "
            "assert not any(m.split('.')[0].startswith('isaac') for m in sys.modules), sorted(sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
