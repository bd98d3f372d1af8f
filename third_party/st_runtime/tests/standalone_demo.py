"""Run by test_standalone.py with a fresh venv's python that has st_runtime alone: the simulated robot and the
bridge in one process, two DDS participants on one domain, the bridge starting itself (autostart). Prints one
JSON line: the bridge's modes, the commands the robot received, the base height at the end."""

import json
import sys
import threading
import time

from st_runtime import OnnxPolicy, RobotSpec
from st_runtime.metadata import ActionSpec
from st_runtime.ros2.bridge import Bridge, BridgeConfig
from st_runtime.ros2.dds import Node
from st_runtime.ros2.sim_robot import SimRobot

policy_path, mjcf, spec_json, domain, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(
    sys.argv[5])
spec = json.loads(open(spec_json).read())
spec = RobotSpec(**{**spec, "action": ActionSpec(**spec["action"])})
quiet = lambda *_: None  # noqa: E731
sim = SimRobot(mjcf, spec, Node(domain), log=quiet)
bridge = Bridge(OnnxPolicy(policy_path), Node(domain), BridgeConfig(autostart=True, soft_start_s=0.5), log=quiet)
stop = threading.Event()
threads = [threading.Thread(target=sim.run, args=(None, stop)), threading.Thread(target=bridge.run, args=(None, stop))]
for t in threads:
    t.start()
time.sleep(seconds)
stop.set()
for t in threads:
    t.join(timeout=10)
print(json.dumps({"modes": [tr.target.name for tr in bridge.sm.history], "commands": sim.commands_received,
                  "base_height": float(sim.robot.base_pos[2]),
                  "modules": sorted({m.split(".")[0] for m in sys.modules})}))
bridge.shutdown()
