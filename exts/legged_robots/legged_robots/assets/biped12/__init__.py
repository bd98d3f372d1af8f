"""biped12: a small 12-joint biped of our own, the second robot that keeps the project robot-agnostic."""
