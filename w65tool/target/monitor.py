"""A real board (or `w65 sim`) through the ROM monitor's serial protocol.

`MonitorClient` speaks the protocol over a `Link` (see `protocol.py` for what the ROM says
and why); `MonitorTarget` opens the port and offers the `Target` interface on top.

Choices, from the ROM source:
- Sync starts with ESC, not CR: a CR at a `G`/`J` address prompt would start the program at
  the saved PC, while ESC cancels every prompt and still gets `?` `READY` at the main one.
- Bulk reads use `W` (S28 dump): 45 characters per 16 bytes with a checksum on each line,
  against 57 unchecked ones for `D` and 13 a byte for `/`; short reads use `/`.
- Writes of a few bytes use `/` (the ROM reads each byte back); longer ones use the loader.
- An address typed at a prompt goes out one digit short, the sixth only once the echo of the
  others is right: the monitor acts on the sixth digit, so a damaged digit or command letter
  is cancelled with ESC first (`_address_prompt`). `/` echoes nothing, so its pointer is set
  through `W`'s first prompt instead (`_set_pointer`). `G` takes no address at all: the saved
  PC is set and read back, then `G` CR starts there.
- `|` register writes echo nothing either: the context is read back after them, two agreeing
  reads, and only the named registers are written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from w65tool.board.kinds import DEFAULT_BOARD
from w65tool.board.memory_map import check_image
from w65tool.image import Image
from w65tool.target import monitor_ram
from w65tool.target.base import ProgressCallback, Registers, Target, TargetError
from w65tool.target.brk_debug import SERIAL_LIMITS, Break, BrkDebugger
from w65tool.target.link import Link, PortLost, SerialLike
from w65tool.target.ports import Chooser
from w65tool.target.protocol import (
    ACK,
    BANNER,
    CR,
    DISPLAY_RE,
    DUMP_END,
    DUMP_RECORD_RE,
    END_RECORD,
    ESC,
    INPUT_QUEUE,
    MAX_RECORD_BYTES,
    PIPE_ACK_RE,
    PIPE_REGISTERS,
    PIPE_REPLY_RE,
    PROMPT_RE,
    READY,
    RECORD_BYTES,
    SLASH_REPLY_RE,
    SYNC_REPLY_RE,
    XON,
    address_digits,
    address_echo,
    parse_dump_record,
    parse_pipe_registers,
    parse_register_display,
    pipe_write_command,
)
from w65tool.target.upload import ODD_COUNT_ESCAPE, TRIES_PER_RETRY, UploadStats, upload_image

SMALL_READ = 8
"""Reads up to this many bytes use `/` (13 characters a byte); longer ones `W`."""

SMALL_WRITE = 4
"""Writes up to this many bytes use `/`; longer ones the S28 loader."""

BANNER_WAIT = 3.0
"""Seconds to wait for the prompt after the reset banner (the ROM times its crystal first)."""

BURST_WAIT = 0.15
"""Seconds to wait for the loader's `?` after a CR burst, beyond its time on the wire: it
answers at once when the burst finishes a record, and stays silent while it looks for `S`."""


LOWEST = b"Lowest"
ENTER_ADDRESS = b"Enter Address"
"""Words of the prompts of `W` (its first address) and of `G`/`J`."""

GO_PROMPT_RE = re.compile(rb"\A[Gg]  \rEnter Address  BB:AAAA ")
"""All that `G` says before it waits for an address (a damaged letter says something else)."""

QUIET = 0.05
"""Seconds of silence that end a drain."""

DUMP_LINE_CHARS = 45
"""Characters of one `W` dump line (16 bytes)."""

DUMP_SECONDS = 0.6
"""Longest time one `W` dump may take on the wire: reads are split into pieces this long."""

INTERRUPT_BUDGET = 0.8
"""Seconds the clean-up after Ctrl-C may take to bring the monitor back to its prompt."""

STEP_GAP = 0.01
"""Seconds a first-round `resync` step listens beyond its own time on the wire."""

T = TypeVar("T")


class MonitorClient:
    """Commands of the ROM monitor over a `Link`; each leaves the monitor at its prompt."""

    def __init__(self, link: Link, retries: int = 3, record_bytes: int = RECORD_BYTES) -> None:
        if not 1 <= record_bytes <= MAX_RECORD_BYTES:
            raise TargetError(f"records carry 1 to {MAX_RECORD_BYTES} bytes, not {record_bytes}")
        self.link = link
        self.retries = retries
        self.record_bytes = record_bytes
        self.at_prompt = False
        self.program_output = b""  # what a `J` program printed before it returned
        # told at once what a stop is doing (the CLI prints it): leaving the loader takes seconds
        self.notice: Callable[[str], None] | None = None
        self.running: int | None = None  # where a program started with G or J, if one may run
        self.in_loader = False  # an upload was interrupted: the S28 loader may be reading
        self.syncing_since: float | None = None  # when the sync under way began
        self.resets_at_first_prompt: int | None = None  # `link.resets` when first at the prompt

    # -- getting to the prompt ------------------------------------------------------------
    def sync(self) -> None:
        """Make sure the monitor is at its prompt and nothing is left unread."""
        if self.at_prompt:
            return
        started = self.syncing_since = self.link.clock()
        try:
            self.link.drain(QUIET, limit=1.0)
            if not self._probe():
                self.resync(since=started)
        except TargetError:
            self.syncing_since = None
            raise
        self.at_prompt = True
        self.running = self.syncing_since = None
        if self.resets_at_first_prompt is None:
            self.resets_at_first_prompt = self.link.resets

    def _probe(self) -> bool:
        """ESC at the prompt: the monitor echoes it, prints `?` and READY."""
        self.link.write(ESC)
        try:
            self.link.expect(SYNC_REPLY_RE, self.link.reply_timeout(16), "sync")
        except TargetError:
            return self._after_reset()
        self.link.drain(QUIET, limit=0.5)
        return True

    def _after_reset(self) -> bool:
        """If the reset banner came, wait for its prompt; True when the monitor is ready."""
        if BANNER not in self.link.buffer:
            return False
        self.link.expect(re.compile(rb"\r>"), BANNER_WAIT, "wait for the monitor after reset")
        self.link.drain(QUIET, limit=0.5)
        return True

    def resync(self, in_loader: bool = False, since: float | None = None) -> None:
        """Bring the monitor back to its prompt from wherever it is, or fail saying why.

        ESC cancels address prompts, `/`, `|`, `F` and the key wait of `D`/`W`; CR leaves `M`;
        CR bursts finish a record the S28 loader was reading (`ODD_COUNT_ESCAPE` one whose
        count went odd); an S8 record ends the loader (and is harmless at the prompt).
        `in_loader` tries the S8 record first.

        The first round sends the steps at the pace of the wire, listening as it goes, and
        gives only its last step the full reply time: every step is harmless at the prompt,
        and an answer that comes late is still heard under the next one. So a line that stays
        silent through that round (nothing heard since `since`, default now) is declared dead
        in well under 2 s at 9600 baud, while a half-sent record still gets all its CRs. A
        line that said anything gets a second, careful round that waits out each step.
        """
        # enough CRs for the rest of a record of this client's size (2 digits a byte + framing)
        bursts = -(-(2 * self.record_bytes + 14) // INPUT_QUEUE)
        # XON first: a byte damaged into XOFF on its way in holds the monitor's output.
        steps = [XON + ESC, CR, *[CR * INPUT_QUEUE] * bursts, ODD_COUNT_ESCAPE, END_RECORD]
        if in_loader:
            steps.insert(0, END_RECORD)
        started = self.link.clock() if since is None else since
        for careful in (False, True):
            if careful and self.link.last_heard < started:
                break  # silent through a whole round: no monitor is listening
            for n, step in enumerate(steps):
                if self.link.cutoff is not None and self.link.clock() >= self.link.cutoff:
                    break  # a clean-up's budget is spent: send nothing more
                if careful:
                    wait = self._careful_wait(step)
                elif in_loader and n == 0:  # the loader's likely answer: a record may be ahead
                    wait = self.link.reply_timeout(len(step) + 24 + 2 * self.record_bytes + 14)
                elif n < len(steps) - 1:
                    wait = STEP_GAP + len(step) * self.link.char_time
                else:  # the last step: its own answer, or one a step before it sent late
                    wait = self.link.reply_timeout(len(step) + 24)
                if self._resync_step(step, wait):
                    return
        raise TargetError(
            "board not answering: the monitor did not return to its prompt",
            hint="a real board: press its reset button (a program started with G may still "
            "be running), then check power, cable and --baud (the monitor starts at 9600); "
            "`w65 sim`: stop it and start it again",
        )

    def _careful_wait(self, step: bytes) -> float:
        """How long the careful round of `resync` listens after `step`."""
        if step[:1] == CR and len(step) > 1:
            return BURST_WAIT + 1.5 * (len(step) + 12) * self.link.char_time
        return self.link.reply_timeout(len(step) * 12)

    def _resync_step(self, step: bytes, wait: float) -> bool:
        """Send one step of `resync`, listen `wait` s; True once the monitor is at its prompt."""
        self.link.discard()
        self.link.write(step)
        deadline = self.link.until(self.link.clock() + wait)
        answer = None
        while answer is None and self.link.clock() < deadline:
            self.link.poll(deadline - self.link.clock())
            if BANNER in self.link.buffer or READY in self.link.buffer:
                answer = "prompt"
            elif step[:1] == CR and (b"?" in self.link.buffer or b"." in self.link.buffer):
                answer = "loader"  # a half-read record is finished: now it looks for S
        if answer == "loader":
            self.link.drain(QUIET, limit=2.0)
            self.link.write(END_RECORD)
            deadline = self.link.until(self.link.clock() + self.link.reply_timeout(40))
            while READY not in self.link.buffer and self.link.clock() < deadline:
                self.link.poll(deadline - self.link.clock())
        if answer is None:
            return False
        self.link.drain(QUIET, limit=2.0)
        return self._probe()

    def _command(self, action: Callable[[], T]) -> T:
        """Run one command from the prompt; on a garbled exchange resync and try again."""
        attempt = 0
        while True:
            self.sync()
            try:
                return action()
            except PortLost:
                raise
            except TargetError:
                self.at_prompt = False
                attempt += 1
                if attempt > self.retries:
                    raise

    def _ask(
        self, command: bytes, pattern: re.Pattern[bytes], chars: int, what: str
    ) -> re.Match[bytes]:
        """Send a command line and wait for its reply pattern."""
        self.link.discard()
        self.link.write(command)
        return self.link.expect(pattern, self.link.reply_timeout(len(command) + chars), what)

    # -- registers ------------------------------------------------------------------------
    def read_registers(self) -> Registers:
        """The saved register context (`|` SPACE)."""

        def action() -> Registers:
            m = self._ask(b"| ", PIPE_REPLY_RE, 60, "read registers")
            return parse_pipe_registers(m.group(0))

        return self._command(action)

    def write_register(self, name: str, value: int) -> None:
        """Store one register of the saved context (`|A1234`, `|P00:2000`); ACK expected."""
        what = f"set register {name.upper()} to ${value:X}"

        def action() -> None:
            m = self._ask(pipe_write_command(name, value), PIPE_ACK_RE, 16, what)
            if m.group(1)[0] != ACK:
                raise TargetError(f"Failed to {what}: the board answered NAK")

        self._command(action)

    def read_registers_checked(self) -> Registers:
        """The saved context through a checked path: `|` carries no checksum, so it is read
        until two reads in a row agree."""
        last = self.read_registers()
        for _ in range(TRIES_PER_RETRY * (self.retries + 1)):
            regs = self.read_registers()
            if regs == last:
                return regs
            last = regs
        raise TargetError(
            "Failed to read the registers: no two reads of the saved context agreed",
            hint="the line is noisy: check the cable, or try a lower --baud",
        )

    def write_registers(self, values: dict[str, int]) -> None:
        """Store the named registers of the saved context and read it back (checked) until it
        holds them: `|` echoes nothing, so a damaged digit would store another value unseen.
        Only the named registers are written; if a damaged register ID changed another one,
        that is reported, never "repaired" from an unchecked read."""
        before = self.read_registers_checked()
        regs = before
        rounds = 0
        while True:
            others = [
                name
                for name in PIPE_REGISTERS
                if name not in values and getattr(regs, name) != getattr(before, name)
            ]
            if others:
                name = others[0]
                raise TargetError(
                    f"register {name.upper()} changed from ${getattr(before, name):X} to "
                    f"${getattr(regs, name):X} while setting "
                    + ", ".join(n.upper() for n in values)
                    + " (a damaged character on the line)",
                    hint=f"set {name.upper()} again with `w65 regs --set`, or reset the board",
                )
            wrong = [name for name, value in values.items() if getattr(regs, name) != value]
            if not wrong:
                return
            if rounds > self.retries:
                name = wrong[0]
                raise TargetError(
                    f"Failed to set register {name.upper()} to ${values[name]:X}: "
                    f"it reads back as ${getattr(regs, name):X}"
                )
            rounds += 1
            for name in wrong:
                self.write_register(name, values[name])
            regs = self.read_registers_checked()

    # -- memory ---------------------------------------------------------------------------
    def read_memory(self, address: int, length: int) -> bytes:
        """`length` bytes from `address`: `/` for a few, an S28 dump (`W`) for more.

        Long reads are split into dumps of at most `DUMP_SECONDS` on the wire (the ROM
        finishes a dump it has started, so this bounds how long a Ctrl-C waits). A dump
        line whose checksum fails is read again on its own (the others are kept),
        so a noisy line costs a few lines, not the whole range. Like a record (see
        `TRIES_PER_RETRY`), a line may be read `TRIES_PER_RETRY * (retries + 1)` times.
        """
        if length <= 0:
            return b""
        if address < 0 or address + length > 1 << 24:
            raise TargetError(f"cannot read ${address:06X}+{length}: past the 24-bit space")
        data = bytearray(length)
        # one `W` per piece: the ROM cannot stop a dump, so a Ctrl-C waits out at most a piece
        lines = max(1, int(DUMP_SECONDS / (DUMP_LINE_CHARS * self.link.char_time)))
        missing = [
            (at, min(16 * lines, address + length - at))
            for at in range(address, address + length, 16 * lines)
        ]
        rounds = TRIES_PER_RETRY * (self.retries + 1)
        for _ in range(rounds):
            still: list[tuple[int, int]] = []
            for start, count in missing:
                if count <= SMALL_READ:
                    got = self._command(lambda s=start, c=count: self._slash_read(s, c))
                    data[start - address : start - address + count] = got
                    continue
                self.sync()
                try:
                    good = self._dump(start, count)
                except PortLost:
                    raise
                except TargetError:  # a damaged echo: this round brought nothing
                    self.at_prompt = False
                    good = {}
                for at, value in good.items():
                    data[at - address] = value
                still += _gaps(start, count, good)
            if not still:
                return bytes(data)
            missing = still
        lost = sum(n for _, n in missing)
        raise TargetError(
            f"Failed to read ${address:06X}-${address + length - 1:06X}: {lost} bytes did not "
            f"arrive intact after {rounds} tries",
            hint="the line is noisy: check the cable, or try a lower --baud",
        )

    def _slash_read(self, address: int, length: int) -> bytes:
        self._set_pointer(address, f"read ${address:06X}")
        out = bytearray()
        for i in range(length):
            what = f"read ${address + i:06X}"
            m = self._ask(b"/ ", SLASH_REPLY_RE, 16, what)
            if m.group(1) is None:
                raise TargetError(f"Failed to {what}: the board answered NAK")
            out.append(int(m.group(1), 16))
        return bytes(out)

    def _dump(self, address: int, length: int) -> dict[int, int]:
        """The bytes of `address`..+`length` that arrived in dump lines with good checksums.

        Both addresses go through `_address_prompt`: a damaged `W` (one bit from `G`) or a
        damaged end address (a dump of megabytes) is caught while ESC can still cancel it. A
        damaged last digit moves an address by less than one line, and lines carry their
        address.
        """
        end = address + length - 1
        what = f"read ${address:06X}-${end:06X}"
        self._address_prompt(b"W", address, what, LOWEST)
        self._address_prompt(address_digits(address)[5:], end, what)
        self.link.write(address_digits(end)[5:])
        chars = 45 * (-(-length // 16) + 1) + 40
        tail = re.compile(re.escape(DUMP_END))
        try:
            m = self.link.expect(tail, self.link.reply_timeout(chars), what)
            text = m.string[: m.start()]
        except TargetError:
            # The end record came damaged (or not at all): keep the lines that did arrive.
            text = self.link.discard()
            self.at_prompt = False
        good: dict[int, int] = {}
        for rec in DUMP_RECORD_RE.finditer(text):
            try:
                at, payload = parse_dump_record(rec.group(1), rec.group(2))
            except ValueError:
                continue  # a damaged line: its bytes are read again
            for i, value in enumerate(payload):
                if address <= at + i <= end:
                    good[at + i] = value
        if not self.at_prompt:
            return good
        # The dump waits for a key before READY; if READY comes damaged, the next command
        # syncs first, and the bytes already checked stand.
        self.link.write(CR)
        try:
            self.link.expect(PROMPT_RE, self.link.reply_timeout(24), what)
        except TargetError:
            self.at_prompt = False
        return good

    def _address_prompt(
        self, lead: bytes, address: int, what: str, prompt: bytes | None = None
    ) -> None:
        """Send `lead` and the first five digits of `address`; return once the monitor has
        echoed them right, waiting for the sixth (the caller sends it).

        The monitor acts on the sixth digit. Until then ESC (the next `sync`) cancels the
        prompt, so a damaged digit raises here and costs a retry, not an action at a wrong
        address. `prompt`, when given, is a word of the prompt `lead` must bring (a damaged
        command letter brings another prompt, or none)."""
        self.link.discard()
        self.link.write(lead + address_digits(address)[:5])
        echo = re.compile(re.escape(address_echo(address)[:6]))
        m = self.link.expect(echo, self.link.reply_timeout(len(lead) + 80), what)
        if prompt is not None and prompt not in m.string and not m.string.startswith(lead + b"  "):
            raise TargetError(
                f"Failed to {what}: the board did not answer {lead!r} with its prompt"
            )

    def _last_digit(self, address: int, what: str, then: bytes = b"") -> None:
        """Send the sixth digit `_address_prompt` held back; wait for its echo, right after
        the others, and `then` after it."""
        last = address_digits(address)[5:]
        self.link.write(last)
        echo = re.compile(rb"\A" + re.escape(address_echo(address)[6:] + then))
        self.link.expect(echo, self.link.reply_timeout(len(then) + 16), what)

    def _set_pointer(self, address: int, what: str) -> None:
        """Point `/` at `address`: `/` echoes nothing, so a damaged digit of `/BB:AAAA` would
        read or write elsewhere unseen (a damaged colon even turns a read into a write). `W`
        takes the address at an echoing prompt and sets the pointer from it; ESC at its
        second prompt then cancels the dump."""
        self._address_prompt(b"W", address, what, LOWEST)
        try:
            # the sixth digit's echo, then the CR that starts the next prompt: only the right
            # digit lets the caller use the pointer (the dump is cancelled either way)
            self._last_digit(address, what, CR)
        finally:
            self.link.write(ESC)
        self.link.expect(PROMPT_RE, self.link.reply_timeout(16), what)

    def write_memory(self, address: int, data: bytes) -> None:
        """Store bytes: `/` (each read back) for a few, the S28 loader for more."""
        if not data:
            return
        if address < 0 or address + len(data) > 1 << 24:
            raise TargetError(f"cannot write ${address:06X}+{len(data)}: past the 24-bit space")
        if len(data) > SMALL_WRITE:
            image = Image()
            image.put(address, data)
            self.upload(image)
            return
        self._command(lambda: self._slash_write(address, data))

    def _slash_write(self, address: int, data: bytes) -> None:
        self._set_pointer(address, f"write ${address:06X}")
        for i, value in enumerate(data):
            what = f"write ${address + i:06X}"
            m = self._ask(f"/{value:02X} ".encode(), SLASH_REPLY_RE, 16, what)
            if m.group(1) is None:
                raise TargetError(f"Failed to {what}: the board answered NAK")
            back = int(m.group(1), 16)
            if back != value:
                raise TargetError(
                    f"Failed to {what}: wrote ${value:02X}, read back ${back:02X}",
                    hint="is there RAM at that address? (ROM, I/O or nothing)",
                )

    def upload(self, image: Image, progress: ProgressCallback | None = None) -> UploadStats:
        """Load an image through the S28 loader; the monitor is at its prompt afterwards."""
        self.sync()
        self.link.discard()
        self.at_prompt = False
        try:
            stats = upload_image(
                self.link,
                image,
                retries=self.retries,
                progress=progress,
                record_bytes=self.record_bytes,
            )
        except KeyboardInterrupt:
            self.in_loader = True  # for `stop_after_interrupt`, which the target calls
            raise
        except BaseException:
            self.resync(in_loader=True)
            self.at_prompt = True
            raise
        self.link.drain(QUIET, limit=0.5)
        self.at_prompt = True
        return stats

    def stop_after_interrupt(self) -> None:
        """After Ctrl-C: bring the monitor back to its prompt within `INTERRUPT_BUDGET` s.

        Says at once (through `notice`) what it does. A program the monitor started is left
        running (anything sent would go to it). A board that does not come back within the
        budget is left as it is, saying so: the next command looks for the prompt again."""
        self.at_prompt = False
        in_loader, self.in_loader = self.in_loader, False
        if self.running is not None:
            self._say(
                f"interrupted: the program started at ${self.running:06X} may still be running "
                "(a real board: press its reset button; `w65 sim`: stop it and start it again)"
            )
            return
        since, self.syncing_since = self.syncing_since, None
        if since is not None and self.link.last_heard < since and not in_loader:
            # looking for the prompt, and not a byte came back: nothing would be heard now
            self._say(
                "interrupted while waiting for a board that does not answer (a real board: "
                "press its reset button; `w65 sim`: stop it and start it again)"
            )
            return
        self._say(
            "interrupted: leaving the S28 loader so the board is at its prompt"
            if in_loader
            else "interrupted: bringing the monitor back to its prompt"
        )
        self.link.cutoff = self.link.clock() + INTERRUPT_BUDGET
        try:
            if in_loader:
                self.resync(in_loader=True)
            else:
                self._escape()
            self.at_prompt = True
        except PortLost as err:
            self._say(str(err))
        except TargetError:
            self._say(
                f"the monitor did not return to its prompt within {INTERRUPT_BUDGET} s; the "
                "next command looks for it again (if the board has stopped answering: a real "
                "board, press its reset button; `w65 sim`, stop it and start it again)"
            )
        finally:
            self.link.cutoff = None

    def _escape(self) -> None:
        """Out of any command but the loader: ESC cancels every prompt, `/`, `|` and the key
        wait that ends a `W` dump (which it reaches when the dump is printed: at most
        `DUMP_SECONDS`). Nothing else is sent: more would only be answered at the prompt."""
        self.link.discard()
        self.link.write(XON + ESC)
        self.link.expect(PROMPT_RE, INTERRUPT_BUDGET, "return to the prompt")
        self.link.drain(QUIET, limit=0.5)
        if not self._probe():
            raise TargetError("Failed to return to the prompt: ESC was not answered")

    def _say(self, text: str) -> None:
        if self.notice is not None:
            self.notice(text)

    # -- starting code --------------------------------------------------------------------
    def go(self, address: int) -> None:
        """`G`: start at `address` with the saved registers; the monitor does not come back.

        The address goes into the saved PC first (checked by reading it back), then `G` takes
        a bare CR, which starts at the saved PC. So every character is checked before the
        monitor acts, where the sixth digit of a typed address would be acted on unseen."""
        what = f"start the program at ${address:06X}"
        self.write_registers({"pc": address})

        def action() -> None:
            self.link.discard()
            self.link.write(b"G")
            self.link.expect(GO_PROMPT_RE, self.link.reply_timeout(40), what)
            self.running = address  # from the CR on, the program runs
            self.link.write(CR)
            self.link.expect(re.compile(rb"\A\r"), self.link.reply_timeout(16), what)

        self._command(action)
        self.at_prompt = False

    def call(self, address: int, timeout: float | None = None) -> Registers:
        """`J`: call `address`; wait for its RTL (up to `timeout` s, None: for ever)."""
        what = f"call ${address:06X}"
        self._command(lambda: self._address_prompt(b"J", address, what, ENTER_ADDRESS))
        self.at_prompt = False
        self.running = address  # from the sixth digit on, the program runs
        self._last_digit(address, what)
        return self.wait_return(what, timeout)

    def wait_return(self, what: str, timeout: float | None) -> Registers:
        """Wait for the register display a returning `J` program brings, and parse it."""
        deadline = None if timeout is None else self.link.clock() + timeout
        while True:
            m = DISPLAY_RE.search(self.link.buffer)
            if m is not None:
                before = bytes(self.link.buffer[: m.start()])
                self.program_output = before.rstrip(b"\r")
                regs = parse_register_display(m.group(0))
                del self.link.buffer[: m.end()]
                self.at_prompt = True
                self.running = None
                return regs
            if deadline is not None and self.link.clock() >= deadline:
                raise TargetError(
                    f"Failed to {what}: the program did not return within {timeout:.1f} s",
                    hint="it may still be running (does it end in RTL?); press reset to stop it",
                )
            self.link.poll(1.0 if deadline is None else deadline - self.link.clock())


def _gaps(start: int, count: int, good: dict[int, int]) -> list[tuple[int, int]]:
    """The runs of `start`..+`count` missing from `good`, as (address, length)."""
    runs: list[tuple[int, int]] = []
    run_start = None
    for at in range(start, start + count + 1):
        if at < start + count and at not in good:
            if run_start is None:
                run_start = at
        elif run_start is not None:
            runs.append((run_start, at - run_start))
            run_start = None
    return runs


def check_registers(values: dict[str, int]) -> None:
    """Reject unknown register names and values that do not fit."""
    for name, value in values.items():
        if name not in PIPE_REGISTERS:
            names = ", ".join(PIPE_REGISTERS)
            raise TargetError(f"unknown register {name!r} (one of {names})")
        digits = PIPE_REGISTERS[name][1]
        if not 0 <= value < 1 << 4 * digits:
            raise TargetError(
                f"register {name.upper()} value ${value:X} does not fit {digits} hex digits"
            )


LIMIT_OF = {
    "stop": "stop",
    "reset": "reset",
    "cycles": "cycle counts",
    "watchpoints": "watchpoints",
}
"""A capability `MonitorTarget` lacks -> its entry in `SERIAL_LIMITS`."""


class MonitorTarget(Target):
    """A board reached through its ROM monitor on a serial port (or `w65 sim`'s pty).

    Run control is by BRK (`brk_debug.BrkDebugger`, in `debugger`): `breakpoints`, `step`
    (temporary BRKs after the instruction; returns 0, the line counts no cycles), `run_for`
    (continue, or go on waiting, until a break or the time limit: "breakpoint", "step",
    "brk" for the program's own BRK, "reset", or "cycles" when the time ran out) and
    `cpu_registers` (the context the monitor saved at the break). `jml` starts a program
    with the breakpoints in memory. While a program runs, the monitor does not listen: every
    other command is refused with a reason until the break."""

    capabilities = frozenset({"run", "step", "breakpoints", "cpu_registers"})

    cannot = "on a serial line " + "; ".join(
        f"{what}: {why}" for what, why in SERIAL_LIMITS.items() if what != "step into ROM"
    )

    def why_not(self, capability: str) -> str:
        return SERIAL_LIMITS.get(LIMIT_OF.get(capability, ""), self.cannot)

    def __init__(
        self,
        port: str,
        baud: int = 9600,
        rtscts: bool = False,
        timeout: float | None = None,
        retries: int = 3,
        record_bytes: int = RECORD_BYTES,
        *,
        serial: SerialLike | None = None,
        choose: Chooser | None = None,
        board: str = DEFAULT_BOARD,
    ) -> None:
        """`board` is the kind of board on the port: its memory map decides what `load`
        accepts."""
        from w65tool.target.link import REPLY_SLACK
        from w65tool.target.ports import open_port

        self.board = board
        self.port_name = port
        self.serial = serial if serial is not None else open_port(port, baud, rtscts, choose)
        self.link = Link(self.serial, slack=REPLY_SLACK if timeout is None else timeout)
        self.client = MonitorClient(self.link, retries, record_bytes)
        self.description = f"{port} at {baud} baud"
        self.last_upload: UploadStats | None = None
        self.debugger = BrkDebugger(self.client)
        self._pending: Break | None = None  # a break the console pump caught first

    @property
    def running(self) -> bool:
        """True while a started program runs (the monitor does not listen until its break)."""
        return self.debugger.running

    def _listening(self, what: str) -> None:
        if self.debugger.running:
            raise TargetError(
                f"cannot {what}: the program is running and the monitor does not listen "
                "until it stops at a breakpoint or its own BRK",
                hint="wait for a breakpoint, or press the board's reset button",
            )

    @contextmanager
    def _stoppable(self, uses_registers: bool = False) -> Iterator[None]:
        """Run one operation: Ctrl-C leaves the monitor at its prompt (within a second) first.

        With `uses_registers` (register writes, `G`, `J`), a restart of the board since the
        monitor's prompt was first found fails it, even if it went through: a restart (a
        damaged character can reach the monitor as `X`, its low-power command, which
        restarts it) sets the saved registers back to their reset values, so the program
        would not start with the ones it had. A banner before that is a reset pressed as
        the command started, with nothing lost yet."""
        try:
            yield
        except KeyboardInterrupt:
            self.client.stop_after_interrupt()
            raise
        first = self.client.resets_at_first_prompt
        if uses_registers and first is not None and self.link.resets != first:
            self.client.resets_at_first_prompt = self.link.resets  # said once
            raise TargetError(
                "the board restarted (its monitor printed the reset banner): its saved "
                "registers are back to their reset values",
                hint="a damaged character can restart the monitor; run the command again",
            )

    def read_registers(self) -> Registers:
        self._listening("read the registers")
        with self._stoppable():
            return self.client.read_registers()

    def last_program_output(self) -> bytes:
        return self.client.program_output

    def set_notice(self, notice: Callable[[str], None] | None) -> None:
        self.client.notice = notice

    def write_registers(self, **values: int) -> None:
        self._listening("set registers")
        check_registers(values)
        with self._stoppable(uses_registers=True):
            self.client.write_registers(values)

    def read_memory(self, address: int, length: int) -> bytes:
        self._listening("read memory")
        with self._stoppable():
            return self.client.read_memory(address, length)

    def write_memory(self, address: int, data: bytes) -> None:
        self._listening("write memory")
        with self._stoppable():
            self.client.write_memory(address, data)

    def load(
        self, image: Image, progress: ProgressCallback | None = None, force: bool = False
    ) -> None:
        """Check the map (unless `force`), snapshot the monitor's RAM, upload, and compare
        the snapshot again (`monitor_ram`): a record stored at a damaged address is
        reported as `MonitorRamDamaged`, never passed over."""
        self._listening("load a program")
        if not force:
            check_image(image, self.board)
        with self._stoppable():
            before = monitor_ram.snapshot(self.client.read_memory)
            self.last_upload = self.client.upload(image, progress)
            monitor_ram.check_after(self.client.read_memory, before, image)

    def jml(self, address: int) -> None:
        """`G` at `address` with the breakpoints in memory; the console is then watched for
        the break."""
        self._listening(f"start ${address:06X}")
        self._pending = None
        with self._stoppable(uses_registers=True):
            if self.debugger.breakpoints:
                self.client.write_registers({"pc": address})
                self._pending = self.debugger.resume(self.client.read_registers_checked())
                return
            self.client.go(address)
        self.debugger.started()

    def jsl(self, address: int, timeout: float | None = None) -> Registers:
        self._listening(f"call ${address:06X}")
        with self._stoppable(uses_registers=True):
            return self.client.call(address, timeout)

    # -- run control by BRK ---------------------------------------------------------------
    @property
    def breakpoints(self) -> set[int]:
        return self.debugger.breakpoints

    def run_for(
        self, cycles: int | None = None, seconds: float | None = None, realtime: bool = False
    ) -> str:
        """Continue from the break (or go on waiting for a running program's break) for up
        to `seconds` (None: until it comes); return why it stopped, "cycles" if it did not."""
        if cycles is not None:
            raise self._lacks("cycles")
        dbg = self.debugger
        hit, self._pending = self._pending, None
        if hit is None and not dbg.running:
            hit = dbg.resume(self.client.read_registers_checked())
        if hit is None:
            hit = dbg.wait(seconds)
        return "cycles" if hit is None else hit.reason

    def step(self) -> int:
        self._listening("step")
        self._pending = None
        self.debugger.step(self.client.read_registers_checked())
        return 0

    def cpu_registers(self) -> Registers:
        self._listening("read the registers")
        return self.client.read_registers()

    def write_cpu_registers(self, **values: int) -> None:
        if "e" in values:
            raise TargetError("the monitor cannot set E: it always starts code in native mode")
        self.write_registers(**values)

    def console_write(self, data: bytes) -> None:
        if not self.debugger.running:
            self.client.at_prompt = False
        self.link.write(data)

    def console_read(self, timeout: float = 0.0) -> bytes:
        printed = self.debugger.take_output()  # what a program printed before its break
        if printed:
            return printed
        if self.debugger.running:
            hit = self.debugger.poll(timeout)
            if hit is not None:
                self._pending = hit
            return self.debugger.take_output()
        if not self.link.buffer:
            self.link.poll(timeout)
            deadline = self.link.clock() + timeout
            while not self.link.buffer and self.link.clock() < deadline:
                self.link.poll(deadline - self.link.clock())
        return self.link.discard()

    def close(self) -> None:
        left = self.debugger.left_behind()
        if left and self.client.notice is not None:
            self.client.notice(f"the program is still running; {left}")
        close = getattr(self.serial, "close", None)
        if close is not None:
            close()
