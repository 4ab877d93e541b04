"""w65: a cross-toolchain for the WDC W65C265S and the Mensch SXB board."""

__version__ = "0.1.0"
