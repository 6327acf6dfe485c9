import pytest


@pytest.fixture
def demo(demo):
    """The demo landscape without its sample scenario (wasla/planning/demo.py), so that each
    test meets only the scenarios it makes."""
    from wasla.planning.models import Scenario

    Scenario.objects.all().delete()
    return demo
