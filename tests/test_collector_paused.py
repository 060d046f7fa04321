"""The status engine pauses Python's cyclic collector while it evaluates, and always restores it."""

import gc

import pytest

from kpis.status.measures import collector_paused


def test_paused_inside_and_on_again_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error():
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_left_off_when_it_was_off_before():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_nested_pause_leaves_it_to_the_outer_one():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pauses_in_many_threads_leave_it_on():
    # "Is it on? Turn it off" is two steps: without the lock a thread could see it off (paused by
    # another) and the collector stayed off for good once both were done.
    import sys
    import threading

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:

        def pause_often():
            for _ in range(20000):
                with collector_paused():
                    pass

        threads = [threading.Thread(target=pause_often) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert gc.isenabled()
