"""Readers asking for the same thing at once share one read (backend/services/shared_reads.py): a class
opening one run's page makes one query of its history. Deterministic: every caller is waiting on the read
before it is let finish."""
from __future__ import annotations

import asyncio

from backend.services.shared_reads import SharedReads


def test_callers_at_the_same_time_share_one_read_and_later_ones_read_again():
    async def scenario():
        shared, release, reads = SharedReads(), asyncio.Event(), []

        async def read():
            reads.append(1)
            await release.wait()
            return ["history"]

        waiting = [asyncio.create_task(shared.read(("r", 0), read)) for _ in range(50)]
        other = asyncio.create_task(shared.read(("r", 7), read))  # another question: its own read
        await asyncio.sleep(0)  # one turn of the loop: every task has started and waits on its read
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
        shared, attempts = SharedReads(), []

        async def read():
            attempts.append(1)
            await asyncio.sleep(0)
            if len(attempts) == 1:
                raise ConnectionError("the database is away")
            return "stored"

        first = await asyncio.gather(*(shared.read("k", read) for _ in range(3)), return_exceptions=True)
        return first, await shared.read("k", read)

    first, then = asyncio.run(scenario())
    assert all(isinstance(e, ConnectionError) for e in first) and then == "stored"
