"""A ROS 2 "node" on plain Cyclone DDS: publishers and subscriptions by ROS 2 topic name.

QoS is chosen for compatibility with rclpy/rclcpp peers: we publish RELIABLE (matches both reliable and
best-effort subscribers) and subscribe to sensor streams BEST_EFFORT (matches every publisher; a late
sample is worth nothing to a controller), to operator topics (e-stop, mode) RELIABLE. Latched topics
(the bridge's state) are TRANSIENT_LOCAL, like a ROS 2 latched publisher.
"""

from __future__ import annotations

import os
from typing import Callable

from cyclonedds.core import Listener
from cyclonedds.domain import DomainParticipant
from cyclonedds.pub import DataWriter
from cyclonedds.qos import Policy, Qos
from cyclonedds.sub import DataReader
from cyclonedds.topic import Topic
from cyclonedds.util import duration

from .msgs import dds_topic

SENSOR = "sensor"
RELIABLE = "reliable"
LATCHED = "latched"


def _qos(kind: str, depth: int) -> Qos:
    history = Policy.History.KeepLast(depth)
    if kind == SENSOR:
        return Qos(Policy.Reliability.BestEffort, history, Policy.Durability.Volatile)
    if kind == LATCHED:
        return Qos(Policy.Reliability.Reliable(duration(seconds=1)), Policy.History.KeepLast(1),
                   Policy.Durability.TransientLocal)
    return Qos(Policy.Reliability.Reliable(duration(seconds=1)), history, Policy.Durability.Volatile)


def domain_id(value: int | None = None) -> int:
    """The DDS domain: the argument, else ``ROS_DOMAIN_ID`` (as ROS 2 does), else 0."""
    if value is not None:
        return int(value)
    return int(os.environ.get("ROS_DOMAIN_ID", "0") or 0)


class Node:
    """Topics are created once per name and type; ``remap`` renames ROS topics (``{"/imu/data": "/imu"}``)."""

    def __init__(self, domain: int | None = None, remap: dict[str, str] | None = None):
        self.participant = DomainParticipant(domain_id(domain))
        self.remap = dict(remap or {})
        self._topics: dict[str, Topic] = {}
        self._readers: list[DataReader] = []

    def _topic(self, name: str, msg_type) -> Topic:
        name = self.remap.get(name, name)
        if name not in self._topics:
            self._topics[name] = Topic(self.participant, dds_topic(name), msg_type)
        return self._topics[name]

    def publisher(self, name: str, msg_type, kind: str = RELIABLE, depth: int = 10) -> DataWriter:
        qos = _qos(LATCHED if kind == LATCHED else RELIABLE, depth)
        return DataWriter(self.participant, self._topic(name, msg_type), qos=qos)

    def subscribe(self, name: str, msg_type, callback: Callable, kind: str = SENSOR, depth: int = 10) -> DataReader:
        """``callback(msg)`` on Cyclone's receive thread, once per sample, in arrival order."""

        def on_data(reader):
            if reader is None:  # data arrived (e.g. latched) before the reader was registered: drained below
                return
            for sample in reader.take(N=64):
                if sample.sample_info.valid_data:  # not a writer's dispose/unregister notice
                    callback(sample)

        reader = DataReader(self.participant, self._topic(name, msg_type), qos=_qos(kind, depth),
                            listener=Listener(on_data_available=on_data))
        self._readers.append(reader)
        on_data(reader)
        return reader
