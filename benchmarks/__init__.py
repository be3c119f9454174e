"""Side-by-side benchmarks of invitekit and its peers (discord.py, disnake, hikari, stoat.py).

Run them all with ``python -m benchmarks`` (after ``pip install -e '.[bench]'``); see
``python -m benchmarks --help`` and ``docs/performance.md``. Every scenario runs invitekit,
a floor (what the same work costs with nothing but msgspec or one regular expression) and
every installed peer in one process, alternating, and prints medians and ratios.
"""
