"""Domain events: a lower feature says what happened, the features above it act on it.

A feature may import only the features below it (tests/unit/test_layers.py). When something below must make
something above act — a visit changed and care re-times its tasks — the lower feature sends a named signal
inside the transaction of the change, and the higher feature connects its receiver when the app is created
(`subscribe()` in its `subscribers.py`). Receivers flush, never commit. A signal may also ask the features
above for their part of an answer (the board's care tasks, the customer card's visits): `contributions`.
"""

from __future__ import annotations

from typing import Any

from blinker import NamedSignal, Namespace

events = Namespace()


def contributions(signal: NamedSignal, sender: Any, **kwargs: Any) -> list[Any]:
    """What the receivers of `signal` answered (None answers left out), in the order they subscribed."""
    return [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]
