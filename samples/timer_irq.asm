; timer_irq.asm - blink the LED on P72 from a timer interrupt, five times a second.
;
; Timer 2 counts FCLK / 16 (3.6864 MHz / 16 = 230,400 counts a second) down from its latch;
; each time it passes zero it reloads the latch and raises its interrupt, so the interrupt
; comes every (latch + 1) x 16 cycles. In native mode the monitor's ROM sends the timer-2
; interrupt to a 4-byte slot in page 1 ($0120), where we put a JML to our handler.
;
;   w65 run samples/timer_irq.asm --seconds 2               ; P72 changes every 0.2 s
;   w65 run samples/timer_irq.asm --seconds 1 --trace-io    ; see the writes to PD7

        .include "w65c265.inc"

T2SLOT  equ $0120               ; the monitor's JML slot for timer 2 (native mode)
PERIOD  equ 46079               ; (46079 + 1) x 16 = 737,280 cycles = 0.2 s

        .org $00B6

start:  sei                     ; no interrupts while we set up
        sep #$20                ; 8-bit A
        rep #$10                ; 16-bit X
        lda #$5C                ; JML opcode...
        sta T2SLOT
        ldx #handler            ; ...to our handler...
        stx T2SLOT+1
        stz T2SLOT+3            ; ...in bank 0
        ldx #PERIOD
        stx T2LL                ; the latch: low byte to T2LL, high byte to T2LH
        lda #TIER_T2
        tsb TIER                ; timer 2 may interrupt
        tsb TER                 ; start timer 2: the counter loads from the latch
        cli                     ; let interrupts in
idle:   wai                     ; sleep until an interrupt
        bra idle

handler:                        ; runs every 0.2 s; A is 8-bit, as the main program set it
        pha
        lda #TIFR_T2
        sta TIFR                ; writing 1 clears timer 2's flag
        lda PD7
        eor #$04
        sta PD7                 ; toggle P72: the LED
        pla
        rti
