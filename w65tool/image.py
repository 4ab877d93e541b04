"""A program image: bytes at 24-bit addresses, plus an optional entry point.

The assembler produces an `Image`; the loaders, the emulator and the disassembler consume one.
Files: Intel HEX (read through `intelhex`, written directly: much faster for large images),
Motorola S-records (S19/S28/S37 read, S28 written: the format the W65C265 monitor loads), and
raw binary (with a load address).
"""

from __future__ import annotations

import os
import stat
from itertools import count
from pathlib import Path

from w65tool.errors import LocatedError, W65Error, cannot_read

ADDRESS_SPACE = 1 << 24
_TEMP_NAMES = count()  # numbers this process's temporary files apart


class Image:
    """Bytes placed at addresses. `segments()` gives them as contiguous runs."""

    __slots__ = ("data", "entry")
    data: dict[int, int]
    entry: int | None

    def __init__(self, data: dict[int, int] | None = None, entry: int | None = None) -> None:
        self.data = {} if data is None else data
        self.entry = entry

    def __repr__(self) -> str:
        # what a failed test's assertion message shows of an image
        return f"Image(data={self.data!r}, entry={self.entry!r})"

    # -- building -------------------------------------------------------------------------
    def put(self, address: int, payload: bytes) -> None:
        """Place `payload` at `address` (later writes win)."""
        if address < 0 or address + len(payload) > ADDRESS_SPACE:
            raise W65Error(f"bytes at ${address:06X} fall outside the 24-bit address space")
        for i, b in enumerate(payload):
            self.data[address + i] = b

    # -- reading --------------------------------------------------------------------------
    def segments(self) -> list[tuple[int, bytes]]:
        """Contiguous runs of bytes, as (start address, bytes), in address order."""
        if not self.data:
            return []
        addrs = sorted(self.data)
        data = bytes(map(self.data.__getitem__, addrs))
        # Addresses a..b-1 of the sorted list are one run when they span b-a addresses: halve
        # the pieces that are not, then join neighbours that touch. Programs have tens of
        # thousands of bytes in a few runs: a step per run, not per byte.
        pieces: list[list[int]] = []
        todo = [(0, len(addrs))]
        while todo:
            a, b = todo.pop()
            if addrs[b - 1] - addrs[a] == b - 1 - a:
                if pieces and addrs[pieces[-1][1] - 1] + 1 == addrs[a]:
                    pieces[-1][1] = b
                else:
                    pieces.append([a, b])
            else:
                middle = (a + b) // 2
                todo += ((middle, b), (a, middle))
        return [(addrs[a], data[a:b]) for a, b in pieces]

    @property
    def low(self) -> int | None:
        """The lowest loaded address, or None for an empty image."""
        return min(self.data) if self.data else None

    @property
    def high(self) -> int | None:
        """The highest loaded address, or None for an empty image."""
        return max(self.data) if self.data else None

    def __len__(self) -> int:
        return len(self.data)

    def start_address(self) -> int | None:
        """Where to start the program: the entry if known, else the lowest address."""
        return self.entry if self.entry is not None else self.low

    # -- Intel HEX ------------------------------------------------------------------------
    def to_hex(self) -> str:
        """Intel HEX text; extended linear address records above 64 KiB; start record if known.

        Records as `intelhex` writes them (which reads them back): a start linear address
        record first, then up to 16 bytes per data record, each run starting a record and no
        record crossing a 64 KiB boundary, then the end record.
        """
        lines = []
        if self.entry is not None:
            lines.append(hex_record(5, 0, (self.entry & 0xFFFFFFFF).to_bytes(4, "big")))
        runs = self.segments()
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
        """Parse Intel HEX text; errors name the file and line."""
        import io

        from intelhex import IntelHex, IntelHexError

        for lineno, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped and not stripped.startswith(":"):
                raise LocatedError(
                    f"{source}:{lineno}:1", f"not an Intel HEX record: {stripped[:20]!r}"
                )
        ih = IntelHex()
        try:
            ih.loadhex(io.StringIO(text))
        except IntelHexError as err:
            raise LocatedError(source, f"bad Intel HEX: {err}") from None
        image = cls()
        for start, stop in ih.segments():
            image.put(start, ih.tobinstr(start, size=stop - start))
        sa = ih.start_addr or {}
        if "EIP" in sa:
            image.entry = sa["EIP"] & 0xFFFFFF
        elif "CS" in sa and "IP" in sa:
            image.entry = ((sa["CS"] << 4) + sa["IP"]) & 0xFFFFFF
        return image

    # -- Motorola S-records ---------------------------------------------------------------
    def to_srec(self, record_bytes: int = 16, header: str = "") -> str:
        """S28 records (24-bit addresses), `record_bytes` data bytes each, ending in S804."""
        lines = []
        if header:
            lines.append(srec_record(0, 0, header.encode("ascii", "replace")))
        for start, payload in self.segments():
            for off in range(0, len(payload), record_bytes):
                lines.append(srec_record(2, start + off, payload[off : off + record_bytes]))
        lines.append(srec_record(8, self.entry or 0, b""))
        return "\n".join(lines) + "\n"

    @classmethod
    def from_srec(cls, text: str, source: str = "<srec>") -> Image:
        """Parse S-records (S0-S3 data/header, S7-S9 start); checksums are checked."""
        image = cls()
        addr_len = {"0": 2, "1": 2, "2": 3, "3": 4, "5": 2, "6": 3, "7": 4, "8": 3, "9": 2}
        for lineno, line in enumerate(text.splitlines(), 1):
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
        if not self.data:
            return b""
        low, high = self.low, self.high
        assert low is not None and high is not None
        out = bytearray([fill]) * (high - low + 1)
        for addr, value in self.data.items():
            out[addr - low] = value
        return bytes(out)


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
