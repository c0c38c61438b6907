"""Bulk work that makes a great many small objects and almost no cycles (a 20,000-row ledger
import, a rebuild of every rollup): the cyclic garbage collector, run again and again over all
of them, costs more than the work. It is paused for the work and runs as usual afterwards."""

import gc
from contextlib import contextmanager


@contextmanager
def garbage_collection_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
