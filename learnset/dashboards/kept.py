"""What a worker keeps between requests, a few hundred entries a store, the least recently used
dropped first, under keys that change whenever what they were made from does: what a release
made (releases.py, release_html.py: released, already suppressed aggregates), and each set's
engagement counts (engagement.py: numbers only, which the set's tutors see, under the stamp the
database changes with them). Never a name or a word anyone wrote."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable | None, make: Callable[[], T]) -> T:
        """What is kept under `key`, made by `make()` the first time (outside the lock: two
        threads may both make it, and either answer is the same). No key (no release): made
        each time, nothing worth keeping."""
        if key is None:
            return make()
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
                return found
        found = make()
        with self._lock:
            self._found[key] = found
            while len(self._found) > self._size:
                self._found.popitem(last=False)
        return found
