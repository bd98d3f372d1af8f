"""st_runtime stands alone: nothing in it imports the training side (a fast check of the import graph, static and
at run time), and it installs by itself into a fresh venv from the wheels setup.sh keeps (no index, no network)
and drives the simulated robot through the bridge there."""

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "third_party" / "st_runtime"
TRAINING_SIDE = {"torch", "isaaclab", "isaaclab_newton", "isaaclab_tasks", "warp", "newton", "legged_robots", "st_rl",
                 "refmotion_manager", "rsl_rl", "skrl", "onnx"}
MODULES = ["st_runtime", "st_runtime.mujoco_robot", "st_runtime.ros2.bridge", "st_runtime.ros2.sim_robot",
           "st_runtime.ros2.bag"]


def test_no_module_of_the_runtime_imports_the_training_side():
    """Every import statement, at module level or inside a function (``write_onnx``'s onnx is the one writer's,
    run by export on the training side, and is named here)."""
    found = []
    for path in (PACKAGE / "st_runtime").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in TRAINING_SIDE]
    assert found == ["metadata.py: onnx"], found


def test_importing_the_runtime_loads_no_training_module():
    code = f"import importlib, sys; [importlib.import_module(m) for m in {MODULES!r}]; print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = {m.split(".")[0] for m in eval(out)}  # noqa: S307 - our own subprocess's repr of a list of names
    assert not loaded & TRAINING_SIDE, loaded & TRAINING_SIDE


@pytest.mark.sim
def test_a_fresh_venv_with_the_runtime_alone_drives_the_simulated_robot(tmp_path):
    from legged_robots.assets.paths import lus2_scene_mjcf
    from legged_robots.ros2 import robot_sim_spec

    wheels = ROOT / ".venv" / "runtime-wheels"
    assert wheels.is_dir(), "no runtime wheels: run ./setup.sh"
    base = Path(sys.base_prefix) / "bin" / "python3"
    venv = tmp_path / "venv"
    subprocess.run([str(base), "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    source = tmp_path / "st_runtime"  # a copy: building writes build/ beside the sources, not into the checkout
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    install = subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels),
                              f"{source}[mujoco,ros2]"], capture_output=True, text=True)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    mjcf = lus2_scene_mjcf("lus2_27dof")
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(vars(robot_sim_spec(mjcf)), default=vars))
    out = subprocess.run([py, str(Path(__file__).with_name("standalone_demo.py")),
                          str(ROOT / "policies" / "lus2_flat" / "policy.onnx"), str(mjcf), str(spec), "77", "3.0"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["modes"][:3] == ["SOFT_START", "HOLD", "POLICY"], result["modes"]
    assert result["commands"] > 50 and result["base_height"] > 0.6, result  # the policy stands the robot
    assert not set(result["modules"]) & TRAINING_SIDE
