"""st_gym's Isaac Lab extension: robot assets and locomotion tasks.

``import legged_robots.tasks`` registers the gym tasks; ``legged_robots.assets`` holds the robots.
"""
