import gc

from django.core.signals import request_finished

from wasla.core import startup


def test_warm_up_freezes_the_loaded_objects_and_collects_each_request_young():
    thresholds = gc.get_threshold()
    try:
        startup.warm_up()
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == startup.YOUNG_THRESHOLD
        receivers = request_finished._live_receivers(sender=None)[0]
        assert startup._collect_young in receivers
    finally:
        request_finished.disconnect(dispatch_uid="wasla.collect_young")
        gc.set_threshold(*thresholds)
        gc.unfreeze()
