; hello_uart.asm - print a line on the serial console through the ROM monitor.
;
; The monitor's PUT_STR routine ($00:E04E) sends a $00-terminated string out of UART3,
; the port your terminal is connected to: A holds the string's bank, X its address.
; The program then returns to the monitor with BRK, which shows the registers and the
; prompt, as at the end of any program started with the monitor's G command.
;
;   w65 run samples/hello_uart.asm --seconds 1

        .include "w65c265.inc"
        .include "monitor.inc"          ; PUT_STR and the other ROM routines

        .org $00B6

start:  sep #$20                ; 8-bit A
        rep #$10                ; 16-bit X: a whole address
        lda #^message           ; the bank of the string ($00)
        ldx #message            ; its address
        jsl PUT_STR
        brk #$00                ; back to the monitor

message:
        .asciiz "Hello from the W65C265!\r"
