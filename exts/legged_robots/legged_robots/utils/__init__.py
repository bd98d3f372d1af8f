"""Small tools shared by the scripts that need no Isaac Lab (MuJoCo replay and video)."""
