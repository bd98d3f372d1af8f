"""Training throughput of lus2 flat with PPO (st_rl, and skrl), under each physics preset, and where the wall time
goes.

    ./run.sh bench train                       # 64 envs on CPU: newton_mjwarp vs newton_mujoco_c, st_rl, 5 iterations
    ./run.sh bench train --num_envs 256 --physics newton_mujoco_c --framework st_rl skrl
    ./run.sh bench train --num_envs 4096 --device cuda:0 --physics newton_mjwarp
    ./run.sh bench train --task St-Velocity-Flat-Lus2 St-Amp-Flat-Lus2 --physics newton_mujoco_c   # AMP's overhead

Prints env-steps/s including the PPO update, seconds per iteration, the split of wall time between
simulation (env.step: physics + Isaac Lab managers), policy inference (sampling actions) and the update,
and the ratios measured in one run: newton_mujoco_c / newton_mjwarp, skrl / st_rl, and with two tasks the second's
time per iteration over the first's (for an AMP task: the discriminator update and the style reward are split
out of the PPO update and the rollout).
"""

# A benchmark imports what it measures inside the function that measures it: `--help` is instant and one benchmark
# does not pay for another's imports.

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


class Stopwatch:
    """Wraps a callable and adds its wall time to ``total``."""

    def __init__(self, fn, sync):
        self.fn, self.sync, self.total = fn, sync, 0.0

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        out = self.fn(*args, **kwargs)
        self.sync()
        self.total += time.perf_counter() - t0
        return out


PRESETS = ("newton_mjwarp", "newton_mujoco_c")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", nargs="+", default=["lus2"], help="one task, or two to compare (e.g. PPO vs AMP)")
    parser.add_argument("--num_envs", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--physics", nargs="+", choices=PRESETS,
                        help="presets to compare (default: both on CPU, newton_mjwarp on a GPU)")
    parser.add_argument("--framework", nargs="+", choices=("st_rl", "skrl"), default=["st_rl"],
                        help="RL frameworks to compare (default: st_rl)")
    parser.add_argument("--real_actuators", action="store_true",
                        help="also each run with presets=real_actuators; prints the real / ideal ratio")
    parser.add_argument("--realism", action="store_true",
                        help="as --real_actuators, with presets=real_actuators,real_sensors")
    parser.add_argument("--compare_compile", action="store_true",
                        help="st_rl: each run twice, the update eager and compiled (agent.compile_update=false/true); "
                             "prints the compiled / eager update time (compiling falls in the warm-up iteration)")
    parser.add_argument("--profile_update", action="store_true",
                        help="st_rl: one more update under torch's profiler: its top operators, its FLOPs, and the "
                             "rate it reaches against a plain matrix product on the same threads")
    args = parser.parse_args(argv)
    presets = args.physics or (list(PRESETS) if args.device == "cpu" else ["newton_mjwarp"])
    rates, iteration_s = {}, {}
    for task in args.task:
        for fw in args.framework:
            for physics in presets:
                if args.compare_compile and fw == "st_rl":
                    eager = measure(args, physics, task, ("agent.compile_update=false",))
                    compiled = measure(args, physics, task, ("agent.compile_update=true",))
                    print(f"\nratio compiled / eager update ({physics}): {compiled[2] / eager[2]:.2f}x time per "
                          f"update; env-steps/s incl. update {compiled[0] / eager[0]:.2f}x")
                    rates[fw, physics], iteration_s[fw, physics, task], _ = compiled
                else:
                    rates[fw, physics], iteration_s[fw, physics, task], _ = (
                        measure if fw == "st_rl" else measure_skrl)(args, physics, task)
                if args.real_actuators or args.realism:
                    real = "presets=real_actuators,real_sensors" if args.realism else "presets=real_actuators"
                    rates[fw, physics, "real"], _, _ = (measure if fw == "st_rl" else measure_skrl)(
                        args, physics, task, (real,))
    print()
    for key, rate in rates.items():
        if len(key) == 3:
            print(f"ratio {'realism on / off' if args.realism else 'real / ideal actuators'} ({key[0]}, {key[1]}), "
                  "env-steps/s incl. update: "
                  f"{rate / rates[key[:2]]:.2f}x")
    if len(args.task) == 2:
        a, b = args.task
        for fw in args.framework:
            for physics in presets:
                print(f"ratio {b} / {a} ({fw}, {physics}), time per iteration: "
                      f"{iteration_s[fw, physics, b] / iteration_s[fw, physics, a]:.3f}x")
    for fw in args.framework:
        if len(presets) == 2:
            print(f"ratio newton_mujoco_c / newton_mjwarp ({fw}), env-steps/s incl. update: "
                  f"{rates[fw, 'newton_mujoco_c'] / rates[fw, 'newton_mjwarp']:.2f}x")
    for physics in presets:
        if len(args.framework) == 2:
            print(f"ratio skrl / st_rl ({physics}), env-steps/s incl. update: "
                  f"{rates['skrl', physics] / rates['st_rl', physics]:.2f}x")


def measure(args, physics: str, task: str, overrides: tuple[str, ...] = ()) -> tuple[float, float, float]:
    import torch

    from legged_robots.tasks.utils.launch import load_cfgs, make_vec_env
    from legged_robots.utils import available_cpus
    from st_rl.runner import OnPolicyRunner

    if args.device == "cpu":
        torch.set_num_threads(1)
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    task_id, env_cfg, agent_cfg = load_cfgs(task, [f"physics={physics}", *overrides])
    env_cfg.scene.num_envs = args.num_envs
    env_cfg.sim.device = agent_cfg.device = args.device
    env = make_vec_env(task_id, env_cfg)
    try:
        runner = OnPolicyRunner(env, agent_cfg.to_rsl_rl(), log_dir=None, device=args.device,
                                update_threads=available_cpus() if args.device == "cpu" else None)
        runner.learn(1)  # warm-up: kernels, allocations
        sim = Stopwatch(env.step, sync)
        act = Stopwatch(runner.alg.act, sync)
        update = Stopwatch(runner.alg.update, sync)
        env.step, runner.alg.act, runner.alg.update = sim, act, update
        amp = {}
        if hasattr(runner.alg, "update_discriminator"):  # AmpPPO: its parts, timed inside the update and the rollout
            amp["discriminator update (in the update)"] = Stopwatch(runner.alg.update_discriminator, sync)
            amp["style reward (in the rollout)"] = Stopwatch(runner.alg.style_reward, sync)
            runner.alg.update_discriminator = amp["discriminator update (in the update)"]
            runner.alg.style_reward = amp["style reward (in the rollout)"]
        t0 = time.perf_counter()
        runner.learn(args.iterations)
        sync()
        wall = time.perf_counter() - t0
        if args.profile_update:  # after the timed iterations, without their stopwatches
            env.step, runner.alg.act, runner.alg.update = sim.fn, act.fn, update.fn
            profile = _profile_update(runner, update.total / args.iterations,
                                      available_cpus() if args.device == "cpu" else torch.get_num_threads())
    finally:
        env.close()
    out = _report("st_rl", task_id, " ".join([physics, *overrides]), args, agent_cfg, wall, sim, act, update, amp,
                  compiled=runner.compiled_update is not None)
    if args.profile_update:
        print(profile)
    return out


def _profile_update(runner, update_s: float, threads: int) -> str:
    """One more iteration with its update under torch's profiler: the operators by own CPU time, the update's
    FLOPs (matrix products), and its rate at the timed update's speed against a plain product of the first
    layer's shape (batch x 512 x 256) on the same threads: how far the update is from the machine's matmul rate."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    inner, held = runner.alg.update, {}

    def profiled(*args, **kwargs):
        with profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
            out = inner(*args, **kwargs)
        held["prof"] = prof
        return out

    runner.alg.update = profiled
    runner.learn(1)
    runner.alg.update = inner
    events = held["prof"].key_averages()
    flops = sum(e.flops for e in events)
    batch = runner.env.num_envs * runner.cfg["num_steps_per_env"] // runner.alg.num_mini_batches
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    a, b = torch.randn(batch, 512), torch.randn(512, 256)
    for _ in range(3):
        a @ b
    t0 = time.perf_counter()
    for _ in range(20):
        a @ b
    gemm = 2 * batch * 512 * 256 * 20 / (time.perf_counter() - t0)
    torch.set_num_threads(before)
    lines = [f"\n  the PPO update under torch's profiler ({threads} threads): {flops / 1e9:.1f} GFLOP per "
             f"update (matrix products), {flops / update_s / 1e9:.0f} GFLOP/s at the timed {update_s:.2f} s; a plain "
             f"{batch}x512x256 product runs at {gemm / 1e9:.0f} GFLOP/s here ({100 * flops / update_s / gemm:.0f} %)",
             f"  {'operator':36s} {'own CPU ms':>11s} {'calls':>7s} {'GFLOP':>7s}"]
    for e in sorted(events, key=lambda e: -e.self_cpu_time_total)[:12]:
        lines.append(f"  {e.key[:36]:36s} {e.self_cpu_time_total / 1e3:11.1f} {e.count:7d} {e.flops / 1e9:7.2f}")
    return "\n".join(lines)


def measure_skrl(args, physics: str, task: str, overrides: tuple[str, ...] = ()) -> tuple[float, float, float]:
    """skrl's PPO on the same env and design values (``scripts/skrl/train.py``'s loop), timed the same way."""
    import torch

    from legged_robots.tasks.utils.agent_cfgs import skrl_ppo_cfg
    from legged_robots.tasks.utils.launch import load_cfgs, make_skrl_env
    from legged_robots.tasks.utils.skrl_runner import SkrlTraining
    from legged_robots.utils import available_cpus

    if args.device == "cpu":
        torch.set_num_threads(1)
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    task_id, env_cfg, agent_cfg = load_cfgs(task, [f"physics={physics}", *overrides])
    env_cfg.scene.num_envs = args.num_envs
    env_cfg.sim.device = agent_cfg.device = args.device
    env = make_skrl_env(task_id, env_cfg)
    try:
        training = SkrlTraining(env, skrl_ppo_cfg(agent_cfg), run_dir=None,
                                update_threads=available_cpus() if args.device == "cpu" else None)
        training.learn(1)  # warm-up
        sim = Stopwatch(env.step, sync)
        act = Stopwatch(training.agent.act, sync)
        update = Stopwatch(training.agent.update, sync)
        env.step, training.agent.act, training.agent.update = sim, act, update
        t0 = time.perf_counter()
        training.learn(args.iterations)
        sync()
        wall = time.perf_counter() - t0
    finally:
        env.close()
    return _report("skrl", task_id, " ".join([physics, *overrides]), args, agent_cfg, wall, sim, act, update)


def _report(framework, task_id, physics, args, agent_cfg, wall, sim, act, update, parts=None, compiled=None):
    """Print one measurement; return its env-steps/s including the update, its seconds per iteration and its
    update seconds per iteration."""
    steps = args.iterations * agent_cfg.num_steps_per_env * args.num_envs
    other = wall - sim.total - act.total - update.total
    print(f"\n{framework} PPO on {task_id}, physics={physics}, {args.num_envs} envs on {args.device}, "
          f"{args.iterations} iterations x {agent_cfg.num_steps_per_env} steps, "
          f"nets {agent_cfg.policy.actor_hidden_dims}" + ("" if compiled is None else
                                                            f", update {'compiled' if compiled else 'eager'}"))
    print(f"  env-steps/s incl. update: {steps / wall:10.1f}")
    print(f"  seconds per iteration:    {wall / args.iterations:10.2f}")
    # the env's own rate inside this run (its steps over the time env.step took): what training keeps of it
    print(f"  training / env-only rate: {100 * sim.total / wall:9.0f} %  "
          f"(env-only {steps / sim.total:.1f} env-steps/s)")
    rows = [("simulation (env.step)", sim.total), ("policy inference", act.total),
            ("PPO update" + (" (incl. discriminator)" if parts else ""), update.total),
            ("other (rollout storage, returns, logging)", other)]
    rows += [(f"  {name}", w.total) for name, w in (parts or {}).items()]
    for name, t in rows:
        print(f"  {name:<41} {t:8.2f} s  {100 * t / wall:5.1f} %")
    return steps / wall, wall / args.iterations, update.total / args.iterations


if __name__ == "__main__":
    main()
