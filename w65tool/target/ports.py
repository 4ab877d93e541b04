"""Finding and opening the board's serial port, with errors that say what to do.

A port is named by a device path (`/dev/ttyUSB0`, `COM3`), a glob (`/dev/cu.usbserial-*`),
`auto` (the one USB serial device with FTDI's vendor ID, as on the W65C265SXB), or any
pyserial URL (`loop://`, `socket://host:port`, `rfc2217://host:port`, `spy://PORT`). When
`auto` or a glob finds several, a `Chooser` the caller passes picks one (the command line asks
on its terminal); without one, the error lists them.
"""

from __future__ import annotations

import errno
import glob
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from w65tool.target.base import TargetError

if TYPE_CHECKING:
    import serial

FTDI_VID = 0x0403
"""USB vendor ID of FTDI, whose USB-serial chip sits on the W65C265SXB."""

Chooser = Callable[[list[str], str], str | None]
"""Picks one of several devices: called with the devices and what they are ("boards that
look like an SXB"); returns the device chosen, or None when none was."""


@dataclass(frozen=True)
class PortInfo:
    """One serial port of this computer."""

    device: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    description: str

    @property
    def looks_like_sxb(self) -> bool:
        """True for an FTDI USB-serial device, as the SXB's on-board chip is."""
        return self.vid == FTDI_VID

    @property
    def usb_id(self) -> str:
        """`VID:PID` in hex, or empty for a port that is not on USB."""
        if self.vid is None or self.pid is None:
            return ""
        return f"{self.vid:04X}:{self.pid:04X}"

    def as_dict(self) -> dict[str, object]:
        """For `--json`."""
        return {
            "port": self.device,
            "usb_id": self.usb_id or None,
            "serial_number": self.serial_number,
            "description": self.description,
            "sxb": self.looks_like_sxb,
        }


def list_ports() -> list[PortInfo]:
    """The serial ports pyserial can see, SXB-like ones first."""
    from serial.tools import list_ports as lp

    found = [
        PortInfo(p.device, p.vid, p.pid, p.serial_number, p.description or "")
        for p in lp.comports()
    ]
    return sorted(found, key=lambda p: (not p.looks_like_sxb, p.device))


def is_url(spec: str) -> bool:
    """True for a pyserial URL such as `loop://` or `socket://host:4000`."""
    return "://" in spec


def resolve_port(spec: str, choose: Chooser | None = None) -> str:
    """The device (or URL) a `--port` value names; `choose` picks one when it names several."""
    if is_url(spec):
        return spec
    if spec == "auto":
        ports = list_ports()
        sxb = [p for p in ports if p.looks_like_sxb]
        if len(sxb) == 1:
            return sxb[0].device
        if not sxb:
            raise TargetError(
                "no board found: no USB serial device with FTDI's vendor ID 0403"
                + (f" (ports here: {_names(ports)})" if ports else " (no serial ports at all)"),
                hint="plug the board in (the SXB's micro-USB carries power and serial), "
                "check the FTDI driver, or name the port with --port",
            )
        return _choose([p.device for p in sxb], "boards that look like an SXB", choose)
    if any(c in spec for c in "*?["):
        matches = sorted(glob.glob(spec))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise TargetError(f"no port matches {spec!r}", hint=_ports_hint())
        return _choose(matches, f"ports matching {spec!r}", choose)
    return spec


def _choose(devices: list[str], what: str, choose: Chooser | None) -> str:
    """The device `choose` picks among several, or an error listing them."""
    if choose is None:
        raise TargetError(
            f"{len(devices)} {what}: {', '.join(devices)}", hint="choose one with --port"
        )
    device = choose(devices, what)
    if device not in devices:
        raise TargetError(
            f"no port chosen among {len(devices)} {what}", hint="name the port with --port"
        )
    return device


def _names(ports: list[PortInfo]) -> str:
    return ", ".join(p.device for p in ports)


def _ports_hint() -> str:
    ports = list_ports()
    if ports:
        return f"ports here: {_names(ports)} (`w65 ports` describes them)"
    return "this computer has no serial ports; is the board plugged in?"


def open_port(
    spec: str, baud: int = 9600, rtscts: bool = False, choose: Chooser | None = None
) -> serial.Serial:
    """Open a port or URL at `baud` 8N1; failures become errors that say what to do.
    `choose` picks a device when `spec` names several (see `resolve_port`)."""
    import serial

    device = resolve_port(spec, choose)
    if not is_url(device):
        check_serial_device(device)
    try:
        if is_url(device):
            port = serial.serial_for_url(device, baudrate=baud, rtscts=rtscts, timeout=0)
        else:
            port = serial.Serial(device, baud, rtscts=rtscts, timeout=0, exclusive=True)
    except (serial.SerialException, OSError, ValueError) as err:
        raise open_error(device, err) from None
    _low_latency(port)
    return port


def _low_latency(port: serial.Serial) -> None:
    """Ask the driver to pass bytes on at once (FTDI's default holds them up to 16 ms)."""
    setter = getattr(port, "set_low_latency_mode", None)
    if setter is None:
        return
    try:
        setter(True)
    except (OSError, ValueError, AttributeError):
        return  # not a driver that has the setting (a pty, a URL): nothing to speed up


def check_serial_device(device: str) -> None:
    """Refuse a path that exists but is no device at all (a file, a directory) before
    pyserial tries to configure it; a device that is not a terminal (/dev/null) fails that
    configuration with ENOTTY, which `open_error` words the same way."""
    import stat

    try:
        mode = os.stat(device).st_mode
    except OSError:
        return  # not there (or a name such as COM3): opening it says why
    if not stat.S_ISCHR(mode):
        raise not_a_serial_device(device)


def not_a_serial_device(device: str) -> TargetError:
    """The error for a port that names something other than a serial device."""
    return TargetError(f"{device} is not a serial device", hint=_ports_hint())


def open_error(device: str, err: BaseException) -> TargetError:
    """A `TargetError` explaining why `device` did not open, from pyserial's exception."""
    code = getattr(err, "errno", None)
    text = str(err)
    if code == errno.ENOENT or "No such file" in text or "FileNotFoundError" in text:
        return TargetError(f"no such port {device}", hint=_ports_hint())
    if code in (errno.ENOTTY, errno.EISDIR) or "Inappropriate ioctl" in text:
        return not_a_serial_device(device)
    if code in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK) or "exclusively lock" in text:
        return TargetError(
            f"port {device} is busy: another program has it open",
            hint="close the other terminal or loader (`fuser -v "
            f"{device}` or `lsof {device}` shows which)",
        )
    if code == errno.EACCES or "Access is denied" in text or "Permission denied" in text:
        if sys.platform.startswith("linux"):
            hint = (
                "join the group that owns serial ports: `sudo usermod -aG dialout $USER`, "
                "then log out and back in"
            )
        elif sys.platform == "win32":
            hint = "another program (a terminal, EasySXB) probably has the COM port open"
        else:
            hint = "check the device's permissions (`ls -l " + device + "`)"
        return TargetError(f"permission denied opening {device}", hint=hint)
    return TargetError(f"cannot open {device}: {text}", hint=_ports_hint())
