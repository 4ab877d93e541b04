; blink.asm - the program of docs/testing.md: says "ready", then toggles the LED on P72 from
; timer 2's interrupt every 0.2 s while the main program sleeps in WAI. Built with
; -D DEBUG=1 it first counts to 10 in `count` and passes the label `done`, for a test to stop at.
        .include "w65c265.inc"
        .include "monitor.inc"
T2SLOT  equ $0120               ; the monitor's JML slot for timer 2 (native mode)
PERIOD  equ 46079               ; (46079 + 1) x 16 = 737,280 cycles = 0.2 s
        .org $1000              ; the SXB's SRAM: with DEBUG it is longer than the 75 bytes
                                ; free in page 0 ($00B5-$00FF), which end at the BRK slot
start:  sei                     ; no interrupts while we set up
        sep #$20                ; 8-bit A
        rep #$10                ; 16-bit X
        lda #$04
        trb PCS7                ; P72 a plain output pin: the LED follows PD7 bit 2
        lda #^greeting
        ldx #greeting
        jsl PUT_STR             ; "ready" on the console
.ifdef DEBUG
        lda #0
again:  inc a
        sta count
        cmp #10
        bne again
done:   nop                     ; A = count = 10 here
.endif
        lda #$5C                ; JML opcode...
        sta T2SLOT
        ldx #handler            ; ...to our handler...
        stx T2SLOT+1
        stz T2SLOT+3            ; ...in bank 0
        ldx #PERIOD
        stx T2LL                ; the latch
        lda #TIER_T2
        tsb TIER                ; timer 2 may interrupt
        tsb TER                 ; start timer 2
        cli
idle:   wai                     ; sleep until an interrupt
        bra idle
handler:                        ; every 0.2 s; A is 8-bit, as the main program set it
        pha
        lda #TIFR_T2
        sta TIFR                ; writing 1 clears timer 2's flag
        lda PD7
        eor #$04
        sta PD7                 ; toggle P72: the LED
        pla
        rti
greeting:
        .asciiz "ready\r"
count:  .byte 0
