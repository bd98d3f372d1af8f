#!/usr/bin/env bash
# One-command setup: a Python 3.12 virtual environment with Isaac Lab 3.0 (kit-less), MuJoCo, ONNX Runtime
# and our three packages (editable), every version pinned by requirements.lock.
#
#   ./setup.sh                 # -> .venv in this checkout
#   ST_GYM_PYTHON=/path/python3.12 ./setup.sh
#   ST_GYM_VENV_CACHE=~/.cache/st_gym/venvs ./setup.sh
#       keep the environment outside the checkout, keyed by the lock file's hash, and link .venv to it
#       (CI does this so a fresh clone reuses an identical install).
#
# Re-running on a ready machine checks and changes nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOCK="$ROOT/requirements.lock"
PACKAGES=(third_party/st_runtime exts/legged_robots third_party/st_rl third_party/refmotion_manager)
PIP_PINS=(pip==26.3)

say() { printf '[setup] %s\n' "$*"; }
# run a pip command quietly; on failure show what it printed
quiet() { local log; log="$(mktemp)"; "$@" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; return 1; }; rm -f "$log"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

is_py312() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; }

find_python() {
    local candidates=()
    [ -n "${ST_GYM_PYTHON:-}" ] && candidates+=("$ST_GYM_PYTHON")
    command -v python3.12 >/dev/null 2>&1 && candidates+=("$(command -v python3.12)")
    candidates+=("$HOME"/.pyenv/versions/3.12*/bin/python3.12)
    command -v uv >/dev/null 2>&1 && candidates+=("$(uv python find 3.12 2>/dev/null || true)")
    local c
    for c in "${candidates[@]}"; do
        if [ -n "$c" ] && is_py312 "$c"; then
            "$c" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    return 1
}

PYTHON="$(find_python)" || die "Python 3.12 not found (Isaac Lab 3.0 supports Python 3.12 only).
  Install one, then re-run ./setup.sh:
    uv python install 3.12                  (uv)
    pyenv install 3.12                      (pyenv)
    sudo apt install python3.12 python3.12-venv   (Debian/Ubuntu with 3.12 packaged)
  or point ST_GYM_PYTHON at an existing python3.12."
say "python: $PYTHON ($("$PYTHON" -c 'import platform; print(platform.python_version())'))"

LOCK_HASH="$( (cat "$LOCK"; printf '%s\n' "${PIP_PINS[@]}"; "$PYTHON" -c 'import sys; print(sys.version)') \
    | sha256sum | cut -c1-16)"

if [ -n "${ST_GYM_VENV_CACHE:-}" ]; then
    VENV="${ST_GYM_VENV_CACHE%/}/$LOCK_HASH"
    mkdir -p "$(dirname "$VENV")"
    if [ -e "$ROOT/.venv" ] && [ ! -L "$ROOT/.venv" ]; then
        die "$ROOT/.venv exists and is not a link; remove it to use ST_GYM_VENV_CACHE"
    fi
    ln -sfn "$VENV" "$ROOT/.venv"
    say "environment: $VENV (cached by lock hash, linked as .venv)"
else
    VENV="$ROOT/.venv"
    say "environment: $VENV"
fi
VPY="$VENV/bin/python"
STAMP="$VENV/.st_gym_lock"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$LOCK_HASH" ] && is_py312 "$VPY"; then
    say "pinned dependencies: up to date (lock $LOCK_HASH)"
else
    if [ ! -x "$VPY" ]; then
        say "creating virtual environment"
        "$PYTHON" -m venv "$VENV"
    fi
    say "installing pinned dependencies from requirements.lock (first time: ~5 min, ~8 GB)"
    quiet "$VPY" -m pip install --disable-pip-version-check "${PIP_PINS[@]}" || die "installing pip failed"
    set +e +o pipefail  # stream pip's progress through a filter, keep pip's own exit status
    "$VPY" -m pip install --disable-pip-version-check --progress-bar off -r "$LOCK" 2>&1 \
        | grep --line-buffered -v -E 'is ignored: it is neither a file nor a directory' \
        | grep --line-buffered -E '^(Collecting|Installing|Successfully|ERROR|error)' | sed -u 's/^/[pip] /'
    pip_rc=${PIPESTATUS[0]}
    set -e -o pipefail
    [ "$pip_rc" -eq 0 ] || die "pip install -r requirements.lock failed (exit $pip_rc, see the [pip] lines above)"
    "$VPY" -m pip check >/dev/null || { "$VPY" -m pip check; die "pip check failed"; }
    echo "$LOCK_HASH" > "$STAMP"
fi

# Our packages, editable. Skipped when they already import from this checkout with the same
# pyproject.toml (its entry points are written at install time, so a changed one means reinstall).
for pkg in "${PACKAGES[@]}"; do
    name="$(basename "$pkg")"
    where="$("$VPY" -c "import importlib.util as u; s = u.find_spec('$name'); print(s.submodule_search_locations[0] if s else '')" 2>/dev/null || true)"
    pkg_stamp="$VENV/.st_gym_pkg_$name"
    want="$ROOT/$pkg $(sha256sum "$ROOT/$pkg/pyproject.toml" | cut -c1-16)"
    if [ "$where" = "$ROOT/$pkg/$name" ] && [ -f "$pkg_stamp" ] && [ "$(cat "$pkg_stamp")" = "$want" ]; then
        say "$name: installed (editable, this checkout)"
    else
        say "$name: installing editable from $pkg"
        quiet "$VPY" -m pip install --disable-pip-version-check --no-deps --no-build-isolation -e "$ROOT/$pkg" \
            || die "installing $pkg failed"
        echo "$want" > "$pkg_stamp"
    fi
done

# the robot-side runtime's wheels (pinned as above), so that it installs alone on a machine without an index:
# a robot computer, or the test that installs it into a fresh venv with --no-index
WHEELS="$VENV/runtime-wheels"
if [ -f "$WHEELS/.stamp" ] && [ "$(cat "$WHEELS/.stamp")" = "$LOCK_HASH" ]; then
    say "st_runtime wheels: up to date ($WHEELS)"
else
    say "st_runtime wheels: downloading into $WHEELS (~70 MB)"
    quiet "$VPY" -m pip download --disable-pip-version-check -d "$WHEELS" -c "$LOCK" \
        numpy onnxruntime mujoco cyclonedds setuptools || die "downloading st_runtime's wheels failed"
    echo "$LOCK_HASH" > "$WHEELS/.stamp"
fi

"$VPY" -c 'import isaaclab, legged_robots, st_rl, st_runtime, refmotion_manager, mujoco, onnxruntime' \
    || die "the environment does not import; remove $VENV and re-run ./setup.sh"
say "ready. Next: ./run.sh list    ./run.sh test"
