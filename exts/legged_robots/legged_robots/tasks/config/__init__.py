"""Per-robot task configurations: each robot's package registers its task ids and names its default task."""

from . import biped12, lus2

# a robot name picks its default task (``./run.sh train lus2``)
ROBOT_DEFAULT_TASK: dict[str, str] = {**lus2.ROBOT_DEFAULT_TASK, **biped12.ROBOT_DEFAULT_TASK}
