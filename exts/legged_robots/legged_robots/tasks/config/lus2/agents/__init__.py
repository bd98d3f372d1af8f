"""Agent (RL runner) configurations for the lus2 tasks."""
