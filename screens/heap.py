"""Python's garbage collector kept out of the way of a person at the keyboard.

Python's full collections walk every object the process holds: on the desk, the queue's
search snapshot (an entry per waiting request) and the kept queue and request screens; on the
kiosk, a kept screen per step and language. A few hundred thousand objects: a full collection
falling on a key press stalled that key 50–170 ms (issue 12). So:

* What start-up and warm-up made lives as long as the app. It is frozen (``gc.freeze``) once,
  when made: Python's automatic collections then look only at what came since.
* Every object is looked at again (unfreeze, collect, freeze) only when nobody waits: once per
  idle period, ``IDLE_SECONDS`` after the last key, click or paste, with no service call in
  flight (the kiosk between parents, the desk between requests).

Frozen objects are still freed as soon as nothing refers to them; only *cycles* among frozen
objects (a closed dialog, a screen's replaced widgets) wait for that idle collection, so what
they hold is bounded by one busy period. Freezing after every screen was painted instead (the
desk's earlier way) kept each closed dialog for good, since the desk never idled: 30 reason
dialogs opened and closed left 30 alive, about 2,700 objects each.

Two more things kept garbage alive, and go at the same idle moment or once: Textual's render
caches that keep every widget's styles cache (``textual_compat.empty_render_caches``), and
glibc's malloc keeping each thread's 19 MiB password-hash buffer (``give_big_blocks_back``).
A kept screen forgets its query results as it leaves (``textual_compat.forget_queries``).

Python's automatic *full* collections are made rare (``FULL_COLLECTION_EVERY``): with the
third threshold at its default (10), every tenth collection of the middle generation walked
all that had come since the last freeze, and on the kiosk's step benchmark (20,000 students)
39 such collections took 100–160 ms each, on key presses: the step's CPU p95 went from 35 ms
(rare) to 163 ms (default). The young generations are still collected as usual (cheap: under
2 ms each), and the idle collection does the full work. The rare automatic one is the bound
for a desk that never pauses: about every 7 million allocations.

``FRONTDESK_HOOKS_OFF=heap`` switches all this off (Python's collector as it comes), to
measure what it is worth.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import time
from collections.abc import Callable

from screens.textual_compat import empty_render_caches, hook_on

FULL_COLLECTION_EVERY = 1000
"""How many collections of the middle generation before an automatic full one (Python's
default is 10): the idle collection does that work when nobody waits."""

IDLE_SECONDS = 3.0
"""How long without a key, a click or a paste before the app collects: a pause in which a
person reads rather than types."""


M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter: the size from which a block is mapped on its own."""
BIG_BLOCK_BYTES = 4 * 2**20


def give_big_blocks_back() -> None:
    """Have glibc's malloc map each block of 4 MiB or more on its own, so that it goes back to
    the system when freed (a no-op elsewhere).

    A password hash (argon2id, 19 MiB of work memory) made in a worker thread is otherwise freed
    into that thread's malloc arena, which keeps it: glibc raises this threshold past the size
    of the first big block freed, and ``malloc_trim`` does not give an arena's block back. The
    kiosk's resident memory rose by 19 MiB for each arena a hash had used. Mapping 19 MiB
    afresh costs a hash a few milliseconds of page faults.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, BIG_BLOCK_BYTES)
    except (OSError, AttributeError):
        pass


class Heap:
    """When the app's garbage is collected: frozen at start-up and warm-up, collected whole
    once per idle period."""

    def __init__(self, busy: Callable[[], bool] = lambda: False) -> None:
        self.busy = busy
        """Whether someone waits on the app now (a service call in flight)."""
        self.last_touch = time.monotonic()
        self.idle_collected = False
        """Whether this idle period's collection is done (the next touch starts a new one)."""
        self.collections = 0
        """Idle collections made so far."""
        self.on = hook_on("heap")
        self.thresholds = gc.get_threshold()
        if self.on:
            give_big_blocks_back()
            young, middle, _full = self.thresholds
            gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)

    def freeze(self) -> None:
        """Keep what lives now out of the automatic collections (start-up or warm-up just made
        what lives as long as the app). Cheap: nothing is walked."""
        if self.on:
            gc.freeze()

    def touched(self) -> None:
        """Someone pressed a key, clicked or pasted: the idle period starts again."""
        self.last_touch = time.monotonic()
        self.idle_collected = False

    def collect_if_idle(self, idle_seconds: float = IDLE_SECONDS) -> bool:
        """Collect everything, once per idle period, when nobody has touched the app for
        ``idle_seconds`` and nothing is in flight; whether it did."""
        if self.idle_collected or not self.on:
            return False
        if time.monotonic() - self.last_touch < idle_seconds or self.busy():
            return False
        self.collect()
        return True

    def collect(self) -> None:
        """Look at every object (frozen ones too), free the garbage, freeze what lives. Walks
        the whole heap: on the desk or the kiosk, some 150,000–280,000 objects."""
        self.idle_collected = True
        self.collections += 1
        empty_render_caches()  # they keep widgets long gone (see textual_compat)
        gc.unfreeze()
        gc.collect()
        self.freeze()

    def release(self) -> None:
        """What the app froze is ordinary again, and Python's thresholds its own (the app has
        ended)."""
        gc.unfreeze()
        gc.set_threshold(*self.thresholds)
