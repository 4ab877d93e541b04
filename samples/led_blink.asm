; led_blink.asm - blink the user LED of a W65C265 board, forever.
;
; On the W65C265SXB the user LED sits on port 7, pin 2 (P72) and lights when the pin is
; LOW. On the Mensch Microcomputer the eight port-7 pins drive eight LEDs. Either way, pin
; P72 only follows our writes once its chip-select function is switched off in PCS7.
;
; Build and run:
;   w65 asm samples/led_blink.asm              -> samples/led_blink.hex
;   w65 run samples/led_blink.asm --trace-io   (the emulated board: watch PD7 change)
;   w65 load samples/led_blink.hex --go 00B6   (a real board, through its ROM monitor)
;
; Written in the syntax both w65 and naken_asm read, so both give the same 43 bytes:
; registers are named with .define, and every immediate says its width (lda.b is 8-bit;
; ldx/ldy are 16-bit because of "rep #0x10" below).

.65816
.org 0x00b6                 ; free page-0 RAM beside the monitor's variables

.define PD7   0xdf23        ; port 7 data: one bit per pin
.define PCS7  0xdf27        ; port 7 chip selects: 1 = chip select, 0 = plain output pin

start:
  sei                       ; no interrupts: nothing else runs while we blink
  clc
  xce                       ; carry 0 into E: native 65816 mode
  sep #0x20                 ; A is 8 bits wide (M = 1)
  rep #0x10                 ; X and Y are 16 bits wide (X = 0)

  lda.b #0x04               ; bit 2 = pin P72
  trb PCS7                  ; "test and reset bits": clear bit 2 of PCS7, keep the others

blink:
  lda.b #0xfb               ; every bit 1 except bit 2: P72 low, the SXB's LED on
  sta PD7
  jsr delay
  lda.b #0xff               ; P72 high: LED off
  sta PD7
  jsr delay
  bra blink                 ; and again, forever

; delay: wait about a quarter of a second at 3.6864 MHz.
; The inner loop (dex, bne) takes 5 clock cycles and runs 46080 times: 230400 cycles.
; The outer loop runs it 4 times: 921600 cycles = 0.25 s. Uses X and Y.
delay:
  ldy #4                    ; outer count (16-bit Y)
delay_outer:
  ldx #46080                ; inner count (16-bit X)
delay_inner:
  dex
  bne delay_inner           ; until X reaches 0
  dey
  bne delay_outer           ; until Y reaches 0
  rts
