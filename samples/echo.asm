; echo.asm - the program of docs/testing.md: sends back every character it receives on the
; serial console, through the ROM monitor's GET_PUT_CHR (wait for a byte, echo it).
        .include "monitor.inc"
        .org $00B6
start:  sep #$20                ; 8-bit A: one character
loop:   jsl GET_PUT_CHR         ; wait for a character; the ROM sends it back
        bra loop
