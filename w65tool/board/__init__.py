"""The W65C265S around the 65C816 core: memory map, I/O, ports, timers, UARTs, interrupts,
the two boards (the Mensch Microcomputer and the W65C265SXB), and the ROM monitor's
high-level emulation (`w65tool.board.monitor`)."""
