"""List this computer's serial ports and mark those that look like an SXB (FTDI, VID 0403).

`--port auto` picks the one marked port when there is exactly one.

example:
  w65 ports
"""

from __future__ import annotations

import argparse

from w65tool.errors import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the list as JSON")


def run(args: argparse.Namespace) -> int:
    from w65tool.cli.target_args import print_json
    from w65tool.target.ports import list_ports

    ports = list_ports()
    if args.json:
        print_json([p.as_dict() for p in ports])
        return EXIT_OK
    if not ports:
        print("no serial ports found (is the board plugged in, and its driver installed?)")
        return EXIT_OK
    rows = [("PORT", "USB ID", "SERIAL", "DESCRIPTION", "SXB?")]
    for p in ports:
        rows.append(
            (
                p.device,
                p.usb_id or "-",
                p.serial_number or "-",
                p.description or "-",
                "yes" if p.looks_like_sxb else "",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[4])
    return EXIT_OK
