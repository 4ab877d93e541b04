"""The w65 assembler: 65816 source (naken_asm's dialect and WDC's) to a program image.

from w65tool.asm import assemble_file, assemble_source, AsmError
result = assemble_file("led_blink.asm")
result.image, result.symbols, result.diagnostics, result.listing()
"""

from w65tool.asm.assemble import assemble_file, assemble_source
from w65tool.asm.result import AsmError, AsmResult, read_symbol_file

__all__ = ["AsmError", "AsmResult", "assemble_file", "assemble_source", "read_symbol_file"]
