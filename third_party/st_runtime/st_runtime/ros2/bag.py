"""A ROS 2 bag (rosbag2, MCAP storage) of what the bridge saw and sent: ``ros2 bag info``, Foxglove and
PlotJuggler open it. Written by rosbags on a thread of its own so the control loop never waits on disk;
messages are stored as the CDR they have on the wire.

Optional dependencies (the runtime's extras: onnx/onnxruntime, mujoco, rosbags) are imported where they are used, so
the core installs with numpy alone."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

from .msgs import ros_type_name


class BagRecorder:
    def __init__(self, path: str | Path):
        from rosbags.rosbag2 import StoragePlugin, Writer
        from rosbags.typesys import Stores, get_typestore

        self.path = Path(path)
        if self.path.exists():
            raise FileExistsError(f"bag {self.path} exists; choose another --out")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._typestore = get_typestore(Stores.ROS2_JAZZY)
        self._writer = Writer(self.path, version=9, storage_plugin=StoragePlugin.MCAP)
        self._writer.open()
        self._connections = {}
        self._queue: queue.Queue = queue.Queue()
        self.count = 0
        self._thread = threading.Thread(target=self._drain, name="bag", daemon=True)
        self._thread.start()

    def write(self, topic: str, msg) -> None:
        """Record ``msg`` (one of ``msgs``' types) on ``topic`` at the current time."""
        self._queue.put((topic, msg, time.time_ns()))

    def _drain(self) -> None:
        while (item := self._queue.get()) is not None:
            topic, msg, stamp = item
            conn = self._connections.get(topic)
            if conn is None:
                conn = self._connections[topic] = self._writer.add_connection(
                    topic, ros_type_name(type(msg)), typestore=self._typestore)
            self._writer.write(conn, stamp, msg.serialize())
            self.count += 1

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._writer.close()
