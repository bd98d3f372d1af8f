#!/usr/bin/env bash
# st_gym's front door. Run ./setup.sh once first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="$ROOT/.venv/bin/python"
# Warp compiles its kernels once (~2 min cold); keep them in one stable place across checkouts and runs.
export WARP_CACHE_PATH="${WARP_CACHE_PATH:-$HOME/.cache/st_gym/warp}"

usage() {
    cat <<'EOF'
usage: ./run.sh COMMAND [ARGS...]

commands:
  list [KEYWORD]        our registered tasks and their config entry points
  train TASK|ROBOT [ARGS...]
                        train with st_rl (scripts/st_rl/train.py --help)
  play TASK|ROBOT [ARGS...]
                        replay a checkpoint, export ONNX/TorchScript (scripts/st_rl/play.py --help)
  test [unit|sim] [PYTEST ARGS...]
                        the test suite (all layers by default; unit: seconds, no simulator;
                        sim: plain MuJoCo and Isaac Lab envs on CPU)
  generate [--check]    regenerate lus2 MJCF/USD and the ground plane from the robot description
  bench [env|train] [ARGS...]
                        benchmarks/env_throughput.py (default) or benchmarks/train_throughput.py
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
        exec "$PY" "$ROOT/scripts/st_rl/$cmd.py" "$@" ;;
    test)
        layer=()
        case "${1:-}" in
            unit|sim) layer=(-m "$1"); shift ;;
        esac
        cd "$ROOT"
        exec "$PY" -m pytest "${layer[@]}" "$@" ;;
    generate)
        exec "$PY" -m legged_robots.assets.generate "$@" ;;
    bench)
        which=env
        case "${1:-}" in env|train) which="$1"; shift ;; esac
        exec "$PY" "$ROOT/benchmarks/${which}_throughput.py" "$@" ;;
    python)
        exec "$PY" "$@" ;;
    ""|-h|--help|help)
        usage ;;
    *)
        echo "run.sh: unknown command '$cmd'" >&2
        usage >&2
        exit 2 ;;
esac
