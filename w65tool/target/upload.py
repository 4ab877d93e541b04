"""Uploading S2 records to the monitor's S28 loader, paced by its replies.

What the ROM's loader (`XS28ROM` in `R_DEBUG.ASM`) does, and what follows for a host:
- The first record's `S` is the command: the main loop echoes `S` and two spaces.
- It reads the type, count, 3 address bytes, data and checksum as hex digit pairs, storing
  and re-reading each data byte as it arrives, then waits for CR or LF and prints `.` and the
  count of good records as 4 BCD digits (`.0001`), or `?` for a bad checksum or a byte that did
  not read back. Then it ignores everything up to the next `S`. `S8` ends the load (READY).
- While a record streams in the monitor keeps up with the line; the only moment it may be
  busy is between a record's CR and its reply. So the next record may be started before the
  reply arrives, but by no more than the 9 characters its input queue holds (`INPUT_QUEUE`):
  this keeps the line busy through the reply's round trip without ever risking an overrun.
- Faults: a record that gets `?` is sent again. A reply that is missing, garbled or carries
  the wrong count means the host no longer knows where the loader is: it sends CRs (which
  finish any half-read record with a `?`, or are ignored while the loader looks for `S`),
  drains the output, and sends the record again. A record whose type letter was damaged is
  skipped by the ROM yet counted as good; only `--verify` can see that.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from w65tool.image import Image
from w65tool.target.base import ProgressCallback, TargetError
from w65tool.target.link import Link, PortLost
from w65tool.target.protocol import (
    CR,
    END_RECORD,
    INPUT_QUEUE,
    PROMPT_RE,
    RECORD_BYTES,
    XON,
    loader_reply,
    s2_records,
)

RECOVERY_WAIT = 0.15
"""Seconds to wait for the loader's answer to each CR burst, beyond its time on the wire."""

TRIES_PER_RETRY = 4
"""A record may be sent `TRIES_PER_RETRY * (retries + 1)` times: sending one again is harmless,
and at 1 % damaged characters a 45-character record and its reply fail one try in three."""

ODD_COUNT_ESCAPE = CR * 256 + b"FFF" + CR * 256
"""What gets the loader out of a record's data whatever its count. A bad digit pair costs
the ROM's count two, not one (BYTE, then its caller), so with an odd count left it steps
over zero and would eat CRs for ever; one pair that reads back ($FF: RAM, or no memory
there) makes the count even again. `FFF` holds an `FF` pair whichever way the pairs fall.
256 CRs finish any count; the other 256 are for when the pair came first. Once the loader
answers, it ignores the rest while it looks for `S`."""


@dataclass
class UploadStats:
    """How an upload went: payload bytes, records, wall time and records sent again."""

    bytes: int
    records: int
    seconds: float
    retries: int

    @property
    def rate(self) -> float:
        """Payload bytes per second."""
        return self.bytes / self.seconds if self.seconds > 0 else 0.0


def upload_image(
    link: Link,
    image: Image,
    *,
    retries: int = 3,
    progress: ProgressCallback | None = None,
    record_bytes: int = RECORD_BYTES,
    window: int = INPUT_QUEUE,
) -> UploadStats:
    """Send `image` to the monitor's S28 loader (the monitor must be at its prompt)."""
    records = s2_records(image, record_bytes)
    tries = TRIES_PER_RETRY * (retries + 1)
    total = len(image)
    attempts = [0] * len(records)
    todo: deque[int] = deque(range(len(records)))
    done = 0
    resent = 0
    count: int | None = 0  # the loader's good-record count, when known
    current: int | None = None  # fully sent, awaiting its reply
    ahead: tuple[int, int] | None = None  # (record, characters of it already sent)
    started = link.clock()
    if progress:
        progress(0, total)

    def fail(index: int, why: str) -> TargetError:
        address, payload, _ = records[index]
        return TargetError(
            f"Failed to write ${address:06X} (record {index + 1} of {len(records)}, "
            f"{len(payload)} bytes): {why} after {attempts[index]} tries",
            hint="check the cable and baud rate; is there RAM at that address?",
        )

    try:
        while todo or current is not None or ahead is not None:
            if current is None:
                if ahead is not None:
                    current, sent = ahead
                    ahead = None
                    link.write(records[current][2][sent:])
                else:
                    current = todo.popleft()
                    link.write(records[current][2])
                attempts[current] += 1
                if todo:
                    nxt = todo.popleft()
                    head = records[nxt][2][:window]
                    link.write(head)
                    ahead = (nxt, len(head))
            line = records[current][2]
            kind, got = _wait_reply(link, link.reply_timeout(len(line) + window + 6))
            if kind == "good" and (count is None or got == (count + 1) % 10000):
                count = got
                done += len(records[current][1])
                if progress:
                    progress(done, total)
                current = None
                continue
            resent += 1
            if kind == "bad":
                if attempts[current] >= tries:
                    raise fail(
                        current,
                        "the board answered '?' (bad checksum, or memory that does not read back)",
                    )
                todo.appendleft(current)
                current = None
                continue
            # Missing, garbled or miscounted reply: find the loader again, then resend.
            if attempts[current] >= tries:
                why = "no reply from the board" if kind == "timeout" else "garbled replies"
                raise fail(current, why)
            if ahead is not None:
                todo.appendleft(ahead[0])
                ahead = None
            todo.appendleft(current)
            current = None
            _recover(link, window, len(line), escape=attempts[todo[0]] > 1)
            count = None
    except KeyboardInterrupt:
        if ahead is not None:
            # Finish the record whose head is on its way: the loader then looks for an `S`,
            # where the S8 record of the clean-up after Ctrl-C ends it at once.
            link.write(records[ahead[0]][2][ahead[1] :])
        raise

    # Every record is in; only leaving the loader remains. A damaged S8 or READY is
    # repaired like a damaged record: find the loader (or the prompt) again and resend.
    for attempt in range(retries + 1):
        link.write(END_RECORD)
        try:
            link.expect(PROMPT_RE, link.reply_timeout(len(END_RECORD) + 24), "end the upload")
            break
        except PortLost:
            raise
        except TargetError:
            if attempt == retries:
                raise
            _recover(link, window, len(END_RECORD))
    return UploadStats(total, len(records), link.clock() - started, resent)


def _wait_reply(link: Link, timeout: float) -> tuple[str, int | None]:
    """The loader's reply to one record: (`good`, count), (`bad`, None), or a failure kind."""
    deadline = link.clock() + timeout
    while True:
        kind, got, used = loader_reply(bytes(link.buffer))
        if kind in ("good", "bad"):
            del link.buffer[:used]
            return kind, got
        if kind == "garbage":
            return "garbage", None
        left = deadline - link.clock()
        if left <= 0:
            return "timeout", None
        link.poll(left)


def _recover(link: Link, window: int, record_chars: int, escape: bool = False) -> None:
    """Bring the loader to the point where it looks for the next `S`, then drain its output.

    XON first, in case a damaged byte reached the monitor as XOFF. Then CRs in bursts the
    input queue can hold, until the loader answers or more CRs have gone than a half-read
    record could still take (its characters, plus a damaged count's worth). With `escape`
    (the last recovery did not help), `ODD_COUNT_ESCAPE` follows if the CRs get no answer.
    """
    link.write(XON)
    burst = max(window, 1)
    wait = RECOVERY_WAIT + 1.5 * (burst + 12) * link.char_time
    answered = False
    for _ in range(-(-(record_chars + 9) // burst)):
        link.write(CR * burst)
        answered = _answer(link, wait)
        if answered:
            break
    if escape and not answered:
        # In pieces, so that it stops soon after the loader answers.
        for at in range(0, len(ODD_COUNT_ESCAPE), 4 * burst):
            link.write(ODD_COUNT_ESCAPE[at : at + 4 * burst])
            if _answer(link, 1.5 * 4 * burst * link.char_time):
                break
        else:
            _answer(link, wait)
    link.drain(quiet=max(0.05, 24 * link.char_time))


def _answer(link: Link, wait: float) -> bool:
    """Wait up to `wait` seconds for anything the loader (or the prompt) says to a CR."""
    deadline = link.clock() + wait
    while not any(c in link.buffer for c in (b".", b"?", b">")):
        if link.clock() >= deadline:
            return False
        link.poll(deadline - link.clock())
    return True
