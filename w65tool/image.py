"""A program image: bytes at 24-bit addresses, plus an optional entry point.

The assembler produces an `Image`; the loaders, the emulator and the disassembler consume one.
Files: Intel HEX (read and written directly, errors located like every other input),
Motorola S-records (S19/S28/S37 read, S28 written: the format the W65C265 monitor loads), and
raw binary (with a load address).
"""

from __future__ import annotations

import os
import stat
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from itertools import count
from pathlib import Path

from w65tool.errors import LocatedError, W65Error, cannot_read

ADDRESS_SPACE = 1 << 24
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_TEMP_NAMES = count()  # numbers this process's temporary files apart


class ByteMap(Mapping[int, int]):
    """A read-only address -> byte view of an image's runs (looked up, never copied)."""

    __slots__ = ("_image",)

    def __init__(self, image: Image) -> None:
        self._image = image

    def __getitem__(self, address: int) -> int:
        value = self._image.get(address)
        if value is None:
            raise KeyError(address)
        return value

    def __iter__(self) -> Iterator[int]:
        for start, buf in zip(self._image._starts, self._image._bufs, strict=True):
            yield from range(start, start + len(buf))

    def __len__(self) -> int:
        return len(self._image)

    def __repr__(self) -> str:
        return f"ByteMap({self._image.segments()!r})"


class Image:
    """Bytes placed at addresses, held as sorted runs of contiguous bytes, plus an entry.

    Runs never overlap or touch (a `put` that meets or covers runs merges them), so memory
    follows the number of bytes, not a dictionary entry per byte.
    """

    __slots__ = ("_bufs", "_starts", "entry")
    _starts: list[int]
    _bufs: list[bytearray]
    entry: int | None

    def __init__(self, *, entry: int | None = None) -> None:
        self._starts = []
        self._bufs = []
        self.entry = entry

    def __repr__(self) -> str:
        # what a failed test's assertion message shows of an image
        return f"Image(segments={self.segments()!r}, entry={self.entry!r})"

    # -- building -------------------------------------------------------------------------
    def put(self, address: int, payload: bytes) -> None:
        """Place `payload` at `address` (later writes win)."""
        if address < 0 or address + len(payload) > ADDRESS_SPACE:
            raise W65Error(f"bytes at ${address:06X} fall outside the 24-bit address space")
        if not payload:
            return
        starts, bufs = self._starts, self._bufs
        end = address + len(payload)
        # runs lo..hi-1 overlap or touch [address, end)
        lo = bisect_right(starts, address) - 1
        if lo < 0 or starts[lo] + len(bufs[lo]) < address:
            lo += 1
        hi = bisect_right(starts, end)
        if lo == hi:
            starts.insert(lo, address)
            bufs.insert(lo, bytearray(payload))
            return
        first = starts[lo]
        if hi - lo == 1 and first <= address:  # within or extending one run: in place
            buf = bufs[lo]
            if end >= first + len(buf):
                buf[address - first :] = payload
            else:
                buf[address - first : end - first] = payload
            return
        last_start, last = starts[hi - 1], bufs[hi - 1]
        merged = bytearray(bufs[lo][: max(0, address - first)])
        merged += payload
        if last_start + len(last) > end:
            merged += last[end - last_start :]
        starts[lo:hi] = [min(first, address)]
        bufs[lo:hi] = [merged]

    # -- reading --------------------------------------------------------------------------
    def get(self, address: int) -> int | None:
        """The byte at `address`, or None where the image holds nothing."""
        i = bisect_right(self._starts, address) - 1
        if i >= 0 and address - self._starts[i] < len(self._bufs[i]):
            return self._bufs[i][address - self._starts[i]]
        return None

    def first_taken(self, address: int, size: int) -> int | None:
        """The lowest address in `address`..`address+size-1` the image holds, or None."""
        starts = self._starts
        i = bisect_right(starts, address) - 1
        if i >= 0 and starts[i] + len(self._bufs[i]) > address:
            return address
        if i + 1 < len(starts) and starts[i + 1] < address + size:
            return starts[i + 1]
        return None

    @property
    def data(self) -> ByteMap:
        """The bytes as a read-only address -> byte mapping (a view of the runs)."""
        return ByteMap(self)

    def segments(self) -> list[tuple[int, bytes]]:
        """Contiguous runs of bytes, as (start address, bytes), in address order."""
        return [(start, bytes(buf)) for start, buf in zip(self._starts, self._bufs, strict=True)]

    @property
    def low(self) -> int | None:
        """The lowest loaded address, or None for an empty image."""
        return self._starts[0] if self._starts else None

    @property
    def high(self) -> int | None:
        """The highest loaded address, or None for an empty image."""
        return self._starts[-1] + len(self._bufs[-1]) - 1 if self._starts else None

    def __len__(self) -> int:
        return sum(map(len, self._bufs))

    def __bool__(self) -> bool:
        return bool(self._starts)

    def start_address(self) -> int | None:
        """Where to start the program: the entry if known, else the lowest address."""
        return self.entry if self.entry is not None else self.low

    # -- Intel HEX ------------------------------------------------------------------------
    def to_hex(self) -> str:
        """Intel HEX text; extended linear address records above 64 KiB; start record if known.

        Records as the `intelhex` package writes them: a start linear address
        record first, then up to 16 bytes per data record, each run starting a record and no
        record crossing a 64 KiB boundary, then the end record.
        """
        lines = []
        if self.entry is not None:
            lines.append(hex_record(5, 0, (self.entry & 0xFFFFFFFF).to_bytes(4, "big")))
        runs = list(zip(self._starts, self._bufs, strict=True))
        extended = bool(runs) and runs[-1][0] + len(runs[-1][1]) > 0x10000
        high = -1
        for start, payload in runs:
            off, size = 0, len(payload)
            while off < size:
                addr = start + off
                if extended and addr >> 16 != high:
                    high = addr >> 16
                    lines.append(hex_record(4, 0, high.to_bytes(2, "big")))
                count = min(16, 0x10000 - (addr & 0xFFFF), size - off)
                lines.append(hex_record(0, addr & 0xFFFF, payload[off : off + count]))
                off += count
        lines.append(":00000001FF\n")
        return "".join(lines)

    @classmethod
    def from_hex(cls, text: str, source: str = "<hex>") -> Image:
        """Parse Intel HEX (record types 00-05); errors name the file, line and column.

        Data records are placed at the base of the last extended segment (02) or linear (04)
        address record plus their offset; a start record (03 CS:IP or 05 EIP) sets the entry.
        The file must end with an end record (01) and hold nothing after it, and no byte may
        be given twice: each would be a file cut short, two files joined, or a damaged one.
        """
        image = cls()
        base = 0
        linear = False  # after an 04 record data runs on past $xxFFFF; else it would wrap
        end_line = 0
        lineno = 0
        for lineno, line in enumerate(_lines(text), 1):
            rec = line.strip()
            if not rec:
                continue
            indent = len(line) - len(line.lstrip())

            def where(col: int = 0, lineno: int = lineno, indent: int = indent) -> str:
                return f"{source}:{lineno}:{indent + col + 1}"

            if end_line:
                raise LocatedError(
                    where(), f"record after the Intel HEX end record (line {end_line})"
                )
            if rec[0] != ":":
                raise LocatedError(where(), f"not an Intel HEX record: {rec[:20]!r}")
            try:
                raw = bytes.fromhex(rec[1:])
            except ValueError:
                raw = b""
            if len(raw) * 2 != len(rec) - 1:  # fromhex failed, or skipped spaces
                bad = next((i for i, c in enumerate(rec) if i and c not in _HEX_DIGITS), None)
                if bad is not None:
                    raise LocatedError(
                        where(bad), f"Intel HEX record has a non-hex character {rec[bad]!r}"
                    )
                raise LocatedError(
                    where(), f"Intel HEX record has an odd number of digits ({len(rec) - 1})"
                )
            if len(raw) < 5:
                raise LocatedError(
                    where(), f"Intel HEX record is too short ({len(raw)} bytes, at least 5)"
                )
            size, offset, kind = raw[0], int.from_bytes(raw[1:3], "big"), raw[3]
            if len(raw) != size + 5:
                raise LocatedError(
                    where(),
                    f"Intel HEX record's byte count is {size} but it holds {len(raw) - 5}",
                )
            if sum(raw) & 0xFF:
                want = -sum(raw[:-1]) & 0xFF
                raise LocatedError(
                    where(), f"Intel HEX checksum is ${raw[-1]:02X}, expected ${want:02X}"
                )
            payload = raw[4:-1]
            if kind == 0:
                address = base + offset
                if not linear and offset + size > 0x10000:
                    raise LocatedError(
                        where(),
                        "Intel HEX data record runs past offset $FFFF of its segment "
                        "(readers differ: it wraps to $0000 or runs on)",
                    )
                if address + size > ADDRESS_SPACE:
                    raise LocatedError(
                        where(), f"Intel HEX data at ${address:X} is past the 24-bit space"
                    )
                taken = image.first_taken(address, size)
                if taken is not None:
                    raise LocatedError(
                        where(), f"Intel HEX record writes ${taken:06X} a second time"
                    )
                image.put(address, payload)
            elif kind == 1:
                if size:
                    raise LocatedError(where(), "Intel HEX end record holds data")
                end_line = lineno
            elif kind in (2, 4):
                if size != 2:
                    raise LocatedError(
                        where(),
                        f"Intel HEX extended address record (type {kind:02X}) holds "
                        f"{size} bytes, not 2",
                    )
                base = int.from_bytes(payload, "big") << (4 if kind == 2 else 16)
                linear = kind == 4
            elif kind in (3, 5):
                if size != 4:
                    raise LocatedError(
                        where(),
                        f"Intel HEX start address record (type {kind:02X}) holds "
                        f"{size} bytes, not 4",
                    )
                value = int.from_bytes(payload, "big")
                if kind == 3:
                    value = ((value >> 16) << 4) + (value & 0xFFFF)  # CS:IP
                if value >= ADDRESS_SPACE:
                    raise LocatedError(
                        where(), f"Intel HEX start address ${value:X} is past the 24-bit space"
                    )
                image.entry = value
            else:
                raise LocatedError(where(), f"unknown Intel HEX record type ${kind:02X}")
        if not end_line:
            raise LocatedError(
                f"{source}:{lineno + 1}:1", "Intel HEX file has no end record (:00000001FF)"
            )
        return image

    # -- Motorola S-records ---------------------------------------------------------------
    def to_srec(self, record_bytes: int = 16, header: str = "") -> str:
        """S28 records (24-bit addresses), `record_bytes` data bytes each, ending in S804."""
        lines = []
        if header:
            lines.append(srec_record(0, 0, header.encode("ascii", "replace")))
        for start, payload in zip(self._starts, self._bufs, strict=True):
            for off in range(0, len(payload), record_bytes):
                lines.append(srec_record(2, start + off, payload[off : off + record_bytes]))
        lines.append(srec_record(8, self.entry or 0, b""))
        return "\n".join(lines) + "\n"

    @classmethod
    def from_srec(cls, text: str, source: str = "<srec>") -> Image:
        """Parse S-records (S0-S3 data/header, S7-S9 start); checksums are checked."""
        image = cls()
        addr_len = {"0": 2, "1": 2, "2": 3, "3": 4, "5": 2, "6": 3, "7": 4, "8": 3, "9": 2}
        for lineno, line in enumerate(_lines(text), 1):
            rec = line.strip()
            if not rec:
                continue
            where = f"{source}:{lineno}:1"
            if len(rec) < 4 or rec[0] not in "Ss" or rec[1] not in addr_len:
                raise LocatedError(where, f"not an S-record: {rec[:20]!r}")
            try:
                raw = bytes.fromhex(rec[2:])
            except ValueError:
                raise LocatedError(where, "S-record has a non-hex character") from None
            if not raw or raw[0] != len(raw) - 1:
                raise LocatedError(where, "S-record byte count does not match its length")
            if (sum(raw[:-1]) + raw[-1]) & 0xFF != 0xFF:
                want = ~sum(raw[:-1]) & 0xFF
                raise LocatedError(
                    where, f"S-record checksum is ${raw[-1]:02X}, expected ${want:02X}"
                )
            n = addr_len[rec[1]]
            address = int.from_bytes(raw[1 : 1 + n], "big")
            if rec[1] in "123":
                image.put(address, raw[1 + n : -1])
            elif rec[1] in "789":
                image.entry = address if address else image.entry
        return image

    # -- files ----------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, org: int | None = None) -> Image:
        """Read `.hex`/`.ihx`, `.s28`/`.srec`/`.s19`/`.s37`/`.mot`, or raw `.bin` (at `org`)."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise cannot_read(path, err) from None
        suffix = path.suffix.lower()
        if suffix in (".bin", ".raw", ".img"):
            if org is None:
                raise W65Error(f"{path}: a raw binary needs a load address (--org)")
            image = cls()
            image.put(org, raw)
            return image
        try:
            text = raw.decode("ascii")
            del raw  # the text is all that is read from here on
        except UnicodeDecodeError:
            raise W65Error(
                f"{path}: not a text file; for raw binary use a .bin name and --org"
            ) from None
        first = text.lstrip()[:1]
        if suffix in (".s28", ".srec", ".s19", ".s37", ".mot", ".s") or first in ("S", "s"):
            return cls.from_srec(text, str(path))
        return cls.from_hex(text, str(path))

    def save(self, path: str | Path, fmt: str = "hex") -> None:
        """Write the image as `hex`, `srec` or `bin` atomically (temporary file, then rename)."""
        if fmt == "hex":
            payload = self.to_hex().encode("ascii")
        elif fmt == "srec":
            payload = self.to_srec().encode("ascii")
        elif fmt == "bin":
            payload = self.to_bin()
        else:
            raise W65Error(f"unknown output format {fmt!r} (hex, srec or bin)")
        write_atomic(path, payload)

    def to_bin(self, fill: int = 0xFF) -> bytes:
        """The bytes from the lowest to the highest address, gaps filled with `fill`."""
        if not self._starts:
            return b""
        low, high = self._starts[0], self.high
        assert high is not None
        out = bytearray([fill]) * (high - low + 1)
        for start, buf in zip(self._starts, self._bufs, strict=True):
            out[start - low : start - low + len(buf)] = buf
        return bytes(out)


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time: a 20 MB file split at once is 1.2 million strings."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        yield text[start:end]
        start = end + 1


def hex_record(kind: int, address: int, payload: bytes) -> str:
    """One Intel HEX record and its newline; the checksum makes the bytes sum to zero."""
    body = bytes((len(payload), address >> 8, address & 0xFF, kind)) + payload
    return f":{body.hex().upper()}{-sum(body) & 0xFF:02X}\n"


def srec_record(kind: int, address: int, payload: bytes) -> str:
    """One S-record. Address length follows the kind (S0/S1/S9: 2 bytes, S2/S8: 3, S3/S7: 4).

    The checksum is the ones' complement of the sum of the count, every address byte (the
    bank included) and the data bytes.
    """
    n = {0: 2, 1: 2, 2: 3, 3: 4, 7: 4, 8: 3, 9: 2}[kind]
    body = bytes([n + len(payload) + 1]) + address.to_bytes(n, "big") + payload
    checksum = ~sum(body) & 0xFF
    return f"S{kind}{body.hex().upper()}{checksum:02X}"


def write_atomic(path: str | Path, payload: bytes) -> None:
    """Write a file so that readers see the old contents or the new, never half of it.

    The bytes go to a temporary file beside `path` (created exclusively, so never through a
    link someone left there), which is then renamed over `path`. The file gets the mode any
    new file gets (0666 less the umask), as other assemblers' outputs do. A symbolic link is
    written through (the link stays). Anything that is not a plain file (`/dev/null`,
    `/dev/stdout`, a pipe) is written in place: renaming over it would replace the device.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise W65Error(f"cannot write {path}: {err.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(path, "wb") as fh:
                fh.write(payload)
        except OSError as err:
            raise W65Error(f"cannot write {path}: {err.strerror}") from None
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    while True:
        tmp = path.parent / f".{path.name}.{os.getpid()}-{next(_TEMP_NAMES)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # left by an earlier process with this id: take the next name
            continue
        except OSError as err:
            raise W65Error(f"cannot write {path}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except OSError as err:
        os.unlink(tmp)
        raise W65Error(f"cannot write {path}: {err.strerror}") from None
