"""Readers asking for the same thing at once share one read (backend/services/shared_reads.py): a class
opening one run's page makes one query of its history. Deterministic: every caller is waiting on the read
before it is let finish."""
from __future__ import annotations

import asyncio

from backend.services.shared_reads import SharedReads


def test_callers_at_the_same_time_share_one_read_and_later_ones_read_again():
    async def scenario():
        shared, started, release, reads = SharedReads(), asyncio.Event(), asyncio.Event(), []

        async def read():
            reads.append(1)
            started.set()
            await release.wait()
            return ["history"]

        waiting = [asyncio.create_task(shared.read(("r", 0), read)) for _ in range(50)]
        other = asyncio.create_task(shared.read(("r", 7), read))  # another question: its own read
        # The first caller's read is scheduled behind the other callers (asyncio runs tasks in order), so
        # once it has started every caller is waiting on it.
        await started.wait()
        waiting[0].cancel()  # a viewer who leaves does not cancel the others' read
        release.set()
        answers = await asyncio.gather(*waiting[1:], other)
        again = await shared.read(("r", 0), read)  # the read is over: a new caller reads afresh
        return reads, answers, again, waiting[0].cancelled()

    reads, answers, again, left = asyncio.run(scenario())
    assert len(reads) == 3  # one for the 50 at seq 0, one for seq 7, one afterwards
    assert answers == [["history"]] * 50 and again == ["history"] and left


def test_a_failed_read_fails_every_caller_and_the_next_one_tries_again():
    async def scenario():
        shared, started, release, attempts = SharedReads(), asyncio.Event(), asyncio.Event(), []

        async def read():
            attempts.append(1)
            started.set()
            await release.wait()
            if len(attempts) == 1:
                raise ConnectionError("the database is away")
            return "stored"

        callers = [asyncio.create_task(shared.read("k", read)) for _ in range(3)]
        await started.wait()  # every caller waits on the one read (as above)
        release.set()
        first = await asyncio.gather(*callers, return_exceptions=True)
        return first, await shared.read("k", read)

    first, then = asyncio.run(scenario())
    assert all(isinstance(e, ConnectionError) for e in first) and then == "stored"
