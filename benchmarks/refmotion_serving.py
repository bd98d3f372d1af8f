"""refmotion_manager serving N envs: time per call of step, read every configured field group, and an
AMP expert batch, plus the memory the frame tables take. Clips: the shipped lus2 27-joint clips.

    ./run.sh bench motion                      # 4096 envs on CPU
    ./run.sh bench motion --num_envs 1024 --device cuda:0

Target (issue 5): step + read all fields + a 4096 x 2 AMP batch under 1 ms at 4096 envs on CPU.
"""

# A benchmark imports what it measures inside the function that measures it: `--help` is instant and one benchmark
# does not pay for another's imports.

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

STYLE = ("root_rot_w", "root_rot_x", "root_rot_y", "root_rot_z", "root_ang_vel_x_b", "root_ang_vel_y_b",
         "root_ang_vel_z_b", "root_vel_x_b", "root_vel_y_b", "root_vel_z_b", "joint_dof_pos", "joint_dof_vel")
EXPRESSIVE = ("joint_dof_pos", "joint_dof_vel", "link_pos_x_b", "link_pos_y_b", "link_pos_z_b",
              "link_vel_x_b", "link_vel_y_b", "link_vel_z_b")


def timed(fn, repeats: int) -> float:
    """Median seconds per call over ``repeats`` calls (after 10 warm-up calls)."""
    for _ in range(10):
        fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num_envs", type=int, default=4096)
    p.add_argument("--amp_batch", type=int, default=4096)
    p.add_argument("--device", default="cpu")
    p.add_argument("--repeats", type=int, default=300)
    args = p.parse_args()

    import torch

    from legged_robots.assets.paths import lus2_mjcf, lus2_motions
    from refmotion_manager import RefMotionCfg, RefMotionManager

    if args.device == "cpu":
        torch.set_num_threads(1)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cfg = RefMotionCfg(motion_files=str(lus2_motions("lus2_27dof") / "*.pkl"), robot_mjcf=str(lus2_mjcf("lus2_27dof")),
                       style_fields=STYLE, expressive_goal_fields=EXPRESSIVE, ref_length_s=2.0, amp_obs_frame_num=2,
                       time_between_frames=0.02, device=args.device)
    t0 = time.perf_counter()
    m = RefMotionManager(cfg, num_envs=args.num_envs, seed=0)
    load_s = time.perf_counter() - t0
    sync = torch.cuda.synchronize if m.device.type == "cuda" else (lambda: None)
    groups = tuple(m.groups)
    ids = torch.arange(0, args.num_envs, 7, device=m.device)

    def read_all():
        return [m.get(g) for g in groups]

    def combined():
        m.step()
        read_all()
        m.sample_amp_windows(args.amp_batch)
        sync()

    figures = {
        "step": timed(lambda: (m.step(), sync()), args.repeats),
        "read all groups": timed(lambda: (read_all(), sync()), args.repeats),
        "read next frame, all groups": timed(lambda: ([m.get(g, 1) for g in groups], sync()), args.repeats),
        f"AMP batch {args.amp_batch} x {cfg.amp_obs_frame_num}": timed(
            lambda: (m.sample_amp_windows(args.amp_batch), sync()), args.repeats),
        f"reset {ids.numel()} envs": timed(lambda: (m.reset(ids), sync()), args.repeats),
        "init_state (all envs)": timed(lambda: (m.init_state(), sync()), args.repeats),
        "step + read all + AMP batch": timed(combined, args.repeats),
    }
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cols = {g: len(v) for g, v in m.groups.items()}
    print(f"refmotion_manager serving {args.num_envs} envs on {m.device} (torch threads {torch.get_num_threads()})")
    print(f"  clips {', '.join(m.clip_names)}: {m.frames.shape[0]} frames x {m.frames.shape[1]} fields, "
          f"groups {cols}, load {load_s:.2f} s")
    for name, s in figures.items():
        print(f"  {name:32s} {s * 1e3:8.3f} ms")
    total = figures["step + read all + AMP batch"]
    print(f"  target < 1 ms for step + read all + AMP batch: {total * 1e3:.3f} ms "
          f"({'met' if total < 1e-3 else 'NOT met'}; ratio to target {total / 1e-3:.2f})")
    print(f"  frame tables {m.memory_bytes / 2**20:.2f} MiB; per-env state {3 * 8 * args.num_envs / 2**10:.0f} KiB; "
          f"process peak RSS grew {(rss1 - rss0) / 1024:.1f} MiB while loading and serving")


if __name__ == "__main__":
    main()
