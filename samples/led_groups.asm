; led_groups.asm - the Mensch board's eight LEDs flashing in two groups of four,
; plus two LEDs of your own on P00 and P01 (each through a 1k resistor to ground).
;
; The Mensch Microcomputer has an LED on every pin of port 7 (P70-P77). After reset the
; ROM monitor uses most of those pins as chip selects (PCS7 = $FB), so the program first
; makes them plain outputs. Port 0 is the external address bus until BCR bit 0 is cleared;
; then P00 and P01 are ordinary pins once their direction bits say "output".
;
;   w65 asm samples/led_groups.asm                    ; -> led_groups.hex for the board
;   w65 run samples/led_groups.asm --seconds 3        ; watch it on the emulator

        .include "w65c265.inc"

LEDS7   equ $FE                 ; port 7 pattern, kept in the free end of page 0
LEDS0   equ $FF                 ; port 0 pattern

        .org $00B6              ; the monitor leaves $00B5-$00FF free for programs

start:  sep #$30                ; 8-bit A, X and Y
        stz PCS7                ; PCS7 = 0: P70-P77 are plain outputs, no chip selects
        lda #BCR_EXTBUS
        trb BCR                 ; BCR bit 0 = 0: ports 0-3 are I/O, not the external bus
        lda #$03
        tsb PDD0                ; P00 and P01 become outputs
        lda #$0F
        sta LEDS7               ; first group: P70-P73
        lda #$01
        sta LEDS0               ; with the LED on P00

loop:   lda LEDS7
        sta PD7                 ; light one group of four...
        eor #$FF
        sta LEDS7               ; ...and the other one next time
        lda LEDS0
        sta PD0                 ; P00 or P01
        eor #$03
        sta LEDS0

        rep #$10                ; 16-bit X and Y for a long count
        ldy #6                  ; 6 x 327,680 cycles: about half a second at 3.6864 MHz
wait:   ldx #$FFFF
spin:   dex                     ; 2 cycles
        bne spin                ; 3 cycles while it branches
        dey
        bne wait
        sep #$10                ; back to 8-bit X and Y
        bra loop
