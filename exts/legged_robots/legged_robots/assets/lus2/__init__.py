"""lus2: the robot description (single source of truth) and the MJCF/USD writers derived from it."""
