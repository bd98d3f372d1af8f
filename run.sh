#!/usr/bin/env bash
# st_gym's front door. Run ./setup.sh once first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="$ROOT/.venv/bin/python"
# Warp compiles its kernels once (~2 min cold); keep them in one stable place across checkouts and runs.
export WARP_CACHE_PATH="${WARP_CACHE_PATH:-$HOME/.cache/st_gym/warp}"
# torch's OpenMP threads sleep instead of spinning when idle: with spinning, a PPO update on all cores next to
# anything else busy (a second run, the tests) slowed both ~10x here; sleeping costs ~3 % when alone.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

usage() {
    cat <<'EOF'
usage: ./run.sh COMMAND [ARGS...]

commands:
  list [KEYWORD]        our registered tasks and their config entry points
  train TASK|ROBOT [--framework st_rl|skrl] [ARGS...]
                        train with st_rl (default) or skrl (scripts/<framework>/train.py --help)
  play TASK|ROBOT [--framework st_rl|skrl] [ARGS...]
                        replay a checkpoint, export ONNX/TorchScript (scripts/<framework>/play.py --help)
  eval TASK [ARGS...]   motion tracking: success, MPKPE, joint errors per clip (scripts/st_rl/eval.py --help)
  curves TASK|ROBOT [--load_run RUN...] [--out FILE.csv]
                        a run's learning curves: a table, every scalar per iteration (scripts/st_rl/curves.py --help)
  sim2mujoco TASK|ROBOT [ARGS...]
                        run the exported policy in plain MuJoCo: verdict, report (scripts/st_rl/sim2mujoco.py --help)
  sim2sim TASK|ROBOT [ARGS...]
                        the policy in Isaac Lab and MuJoCo side by side; where they diverge (sim2sim.py --help)
  ros2 bridge|sim|demo [ARGS...]
                        the policy on ROS 2 topics, a simulated robot, or both with a verdict
                        (scripts/st_rl/ros2interface.py --help)
  test [unit|sim] [PYTEST ARGS...]
                        the test suite (all layers by default; unit: seconds, no simulator;
                        sim: plain MuJoCo and Isaac Lab envs on CPU)
  lint [RUFF ARGS...]   ruff on the whole tree (rules in ruff.toml; --fix sorts imports)
  generate [--check]    regenerate lus2 MJCF/USD, the ground plane and the lus2 reference clips
  motion convert|view|retarget ARGS...
                        reference motions: convert files to our pkl for a robot, plot/replay a clip, retarget
                        human mocap (BVH, joint positions) onto a robot
                        (python -m refmotion_manager.convert|view|retarget --help)
  bench [env|train|motion|mdp|sim2mujoco|ros2|retarget] [ARGS...]
                        benchmarks/env_throughput.py (default), train_throughput.py, refmotion_serving.py,
                        mdp_managers.py (rough vs flat, time per manager), sim2mujoco_speed.py (real-time factor),
                        ros2_latency.py (bridge latency, jitter, fault reactions), retarget_speed.py
                        (mocap retargeting frames/s)
  python [ARGS...]      the project's Python
EOF
}

[ -x "$PY" ] || { echo "run.sh: no environment at $ROOT/.venv; run ./setup.sh first" >&2; exit 1; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
    list)
        exec "$PY" "$ROOT/scripts/list_envs.py" "$@" ;;
    train|play)
        # --framework st_rl|skrl picks the script; the script checks the value
        framework=st_rl prev=""
        for arg in "$@"; do
            case "$arg" in --framework=*) framework="${arg#--framework=}" ;; esac
            [ "$prev" = "--framework" ] && framework="$arg"
            prev="$arg"
        done
        case "$framework" in
            st_rl|skrl) ;;
            *) echo "run.sh $cmd: --framework must be st_rl or skrl, got '$framework'" >&2; exit 2 ;;
        esac
        exec "$PY" "$ROOT/scripts/$framework/$cmd.py" "$@" ;;
    sim2mujoco|sim2sim|eval|curves)
        exec "$PY" "$ROOT/scripts/st_rl/$cmd.py" "$@" ;;
    ros2)
        exec "$PY" "$ROOT/scripts/st_rl/ros2interface.py" "$@" ;;
    lint)
        cd "$ROOT"
        exec "$ROOT/.venv/bin/ruff" check "$@" . ;;
    test)
        layer=()
        case "${1:-}" in
            unit|sim) layer=(-m "$1"); shift ;;
        esac
        cd "$ROOT"
        exec "$PY" -m pytest "${layer[@]}" "$@" ;;
    generate)
        exec "$PY" -m legged_robots.assets.generate "$@" ;;
    motion)
        case "${1:-}" in
            convert|view|retarget) sub="$1"; shift; exec "$PY" -m "refmotion_manager.$sub" "$@" ;;
            *) echo "run.sh motion: expected 'convert', 'view' or 'retarget', got '${1:-}'" >&2; exit 2 ;;
        esac ;;
    bench)
        script="$ROOT/benchmarks/env_throughput.py"
        case "${1:-}" in
            env|train) script="$ROOT/benchmarks/$1_throughput.py"; shift ;;
            ros2) script="$ROOT/benchmarks/ros2_latency.py"; shift ;;
            motion) script="$ROOT/benchmarks/refmotion_serving.py"; shift ;;
            retarget) script="$ROOT/benchmarks/retarget_speed.py"; shift ;;
            mdp) script="$ROOT/benchmarks/mdp_managers.py"; shift ;;
            sim2mujoco) script="$ROOT/benchmarks/sim2mujoco_speed.py"; shift ;;
        esac
        exec "$PY" "$script" "$@" ;;
    python)
        exec "$PY" "$@" ;;
    ""|-h|--help|help)
        usage ;;
    *)
        echo "run.sh: unknown command '$cmd'" >&2
        usage >&2
        exit 2 ;;
esac
