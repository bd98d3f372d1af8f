import pytest
from motion_fixtures import TOY_MJCF


@pytest.fixture
def toy_mjcf(tmp_path):
    path = tmp_path / "toy.xml"
    path.write_text(TOY_MJCF)
    return path


@pytest.fixture
def toy_robot(toy_mjcf):
    from refmotion_manager.kinematics import RobotModel

    return RobotModel(toy_mjcf)
