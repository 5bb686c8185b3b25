"""explain: pure functions that put times, failures and tables into words a person reads.

Nothing here touches the network, the database or the clock: callers pass ``now``
and the time zone, so every function is a plain mapping from values to text.
"""
