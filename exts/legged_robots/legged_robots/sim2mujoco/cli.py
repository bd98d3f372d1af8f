"""What the sim2mujoco and sim2sim commands (and the speed benchmark) share: finding the exported
policy, picking our MJCF for it, reading JSON/YAML files, and turning bad input into one line + exit 2.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from st_runtime.errors import PolicyMetadataError
from st_runtime.metadata import PolicyMetadata


def read_config_file(path: str | Path):
    """The contents of a JSON file, or of a YAML file (.yaml / .yml)."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a directory; a JSON or YAML file is expected")
    if not path.is_file():
        raise FileNotFoundError(f"file not found: {path}")
    text = path.read_text()
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise ValueError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err})") from None


def add_policy_args(parser) -> None:
    """The options that say which policy and MJCF to run; ``find_policy`` and ``robot_mjcf`` read them."""
    from legged_robots.utils.args import existing_file

    parser.add_argument("task", nargs="?",
                        help="task id or robot name whose runs to look in (not needed with --policy)")
    parser.add_argument("--load_run", help="run directory name or regex (default: the latest)")
    parser.add_argument("--agent", default="st_rl", help="agent config the run was trained with")
    parser.add_argument("--policy", type=existing_file, help="an exported policy.onnx (instead of a run)")
    parser.add_argument("--mjcf", type=existing_file,
                        help="MJCF to run (default: our robot with the policy's joints)")


def find_policy(args) -> Path:
    """``args.policy``, or ``<run>/exported/policy.onnx`` of the run ``args.load_run`` of ``args.task``."""
    if args.policy:
        return Path(args.policy)
    if not args.task:
        raise ValueError("give a task or robot name (to find its runs) or --policy PATH")
    from legged_robots.tasks import resolve_task
    from legged_robots.tasks.utils.launch import LOG_ROOT, load_agent_cfg
    from st_rl.checkpoints import find_run

    agent = load_agent_cfg(resolve_task(args.task), args.agent)
    run = find_run(LOG_ROOT / agent.experiment_name, args.load_run)
    path = run / "exported" / "policy.onnx"
    if not path.is_file():
        raise FileNotFoundError(f"{run} has no exported policy; export it first: ./run.sh play {args.task} "
                                f"--load_run {run.name}")
    return path


def output_dir(policy: Path, what: str) -> Path:
    """Where results about ``policy`` go: ``<run>/<what>`` for a run's export (``<run>/exported/policy.onnx``),
    else ``logs/<what>/<folder of the policy>`` (a shipped policy's folder stays untouched)."""
    policy = Path(policy)
    if policy.parent.name == "exported":
        return policy.parent.parent / what
    return Path("logs") / what / policy.resolve().parent.name


def robot_mjcf(metadata: PolicyMetadata) -> Path:
    """The scene MJCF of our robot whose joints are exactly the policy's (``assets/robots.py``)."""
    from legged_robots.assets.paths import require
    from legged_robots.assets.robots import UnknownRobotError, robot_with_joints

    try:
        return require(robot_with_joints(metadata.joint_names).scene_mjcf)
    except UnknownRobotError:
        raise PolicyMetadataError(f"none of our robots has exactly the policy's {len(metadata.joint_names)} "
                                  "joints; pass --mjcf") from None


def run_cli(main, argv=None, user_errors: tuple = ()) -> int:
    """``main(argv)``'s exit code; bad input (a missing file or run, bad metadata or settings) is one line
    on stderr and exit code 2, not a traceback; anything unexpected a bug report (one line, the traceback in a
    log file) and exit code 3."""
    from legged_robots.utils import report_bug
    from st_rl.checkpoints import CheckpointError

    try:
        return main(argv)
    except (PolicyMetadataError, FileNotFoundError, ValueError, KeyError, CheckpointError, *user_errors) as err:
        print(f"error: {err.args[0] if isinstance(err, KeyError) and err.args else err}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - not a catch-all for input: reported as a bug, exit 3
        return report_bug(err)
