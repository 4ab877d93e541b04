; emulation_rom.asm - a self-checking test of the 65C816's emulation mode (e = 1).
;
; In the manner of Klaus Dormann's 6502 functional test: every check that fails traps
; (a branch or jump to itself), so the address the program stops at names the failed check;
; when every check passes the program reaches `success` and loops there. The whole set runs
; PASSES times so that an emulator compiling hot code checks its compiled form too.
;
; Memory: code at $2000, data in $0000-$03FF and $1234/$5634, vectors at $FFFA.

PASSES  = 40

        .org $2000
        .a8                     ; emulation mode: 8-bit A and index registers throughout
        .i8
start:  sei
        cld
        ldx #$ff
        txs
        lda #PASSES
        sta passes

again:
; --- 6502 stack: S stays in page 1 and wraps within it --------------------------------------
        ldx #$00
        txs                     ; S = $0100
        lda #$5a
        pha                     ; writes $0100, S wraps to $01FF
        tsx
        cpx #$ff
        bne *
        lda $0100
        cmp #$5a
        bne *
        lda #$a5
        sta $0100
        pla                     ; S = $01FF: pulls $0100
        cmp #$a5
        bne *
        tsx
        cpx #$00
        bne *
        ldx #$ff
        txs
        jsr sub_rts             ; JSR/RTS: the usual pair
        cmp #$c3
        bne *
        tsx
        cpx #$ff
        bne *

; --- PLB at S = $01FF pulls $0200, S becomes $0100 -----------------------------------------
        lda #$12
        sta $0200
        lda #$34
        sta $0100
        ldx #$ff
        txs
        plb
        tsx
        cpx #$00                ; S = $0100
        bne *
        phb                     ; writes $0100, S = $01FF
        pla
        cmp #$12
        bne *
        ldx #$f0                ; away from the page edge
        txs
        lda #$00
        pha
        plb                     ; DBR = 0 again

; --- PLD at S = $01FE pulls $01FF and $0200 ------------------------------------------------
        ldx #$fe
        txs
        lda #$34
        sta $01ff
        lda #$12
        sta $0200
        pld
        tsx
        cpx #$00
        bne *
        tdc
        cmp #$34
        bne *
        xba
        cmp #$12
        bne *
        ldx #$ff
        txs
        pea $0000
        pld                     ; D = 0 again

; --- PEA, PHD at S = $0100 write $0100 and $00FF ---------------------------------------------
        ldx #$00
        txs
        pea $5678
        tsx
        cpx #$fe
        bne *
        lda $0100
        cmp #$56
        bne *
        lda $00ff
        cmp #$78
        bne *
        ldx #$00
        txs
        phd
        lda $0100
        ora $00ff
        bne *                   ; D = 0

; --- JSL at S = $0100 pushes $0100, $00FF, $00FE; RTL at S = $01FD pulls $01FE-$0200 --------
        ldx #$00
        txs
        jsl jsl_target
jsl_back:
        jmp *                   ; JSL must not come back here
jsl_target:
        tsx
        cpx #$fd
        bne *
        lda $0100               ; the program bank
        bne *
        lda $00ff
        cmp #>(jsl_back - 1)
        bne *
        lda $00fe
        cmp #<(jsl_back - 1)
        bne *
        lda #<(rtl_back - 1)
        sta $01fe
        lda #>(rtl_back - 1)
        sta $01ff
        lda #$00
        sta $0200               ; the bank RTL must take
        lda #$7f
        sta $0100               ; the bank a page-1 wrap would take
        ldx #$fd
        txs
        rtl
        jmp *
rtl_back:
        tsx
        cpx #$00
        bne *
        ldx #$ff
        txs

; --- (dp,X) with DL = 0: the pointer wraps within the direct page --------------------------
        lda #$34
        sta $ff
        lda #$12
        sta $00
        lda #$56
        sta $0100
        lda #$80
        sta $1234
        lda #$aa
        sta $5634
        ldx #$08
        lda ($f7,x)             ; pointer at $00FF/$0000
        cmp #$80
        bne *

; --- (dp,X) with DL != 0: the pointer's high byte comes from the same page -----------------
        lda #$34
        sta $02ff
        lda #$12
        sta $0200
        lda #$56
        sta $0300
        pea $011a
        pld                     ; D = $011A
        ldx #$ee
        lda ($f7,x)             ; pointer at $02FF/$0200 = $1234
        cmp #$80
        bne *
        lda #$00
        clc
        adc ($f7,x)
        cmp #$80
        bne *
        lda #$80
        cmp ($f7,x)
        bne *
        lda #$5a
        sta ($f7,x)
        lda $1234
        cmp #$5a
        bne *
        lda $5634
        cmp #$aa
        bne *
        lda #$80
        sta $1234
; (dp) and (dp),Y with DL != 0 do not wrap: D = $011A, operand $E5 -> pointer $01FF/$0200
        lda #$34
        sta $01ff
        lda ($e5)
        cmp #$80
        bne *
        ldy #$00
        lda ($e5),y
        cmp #$80
        bne *
        pea $0000
        pld

; --- indexed addressing across a page ------------------------------------------------------
        ldx #$20
        lda $11f0,x             ; $1210
        ldy #$44
        lda $1210,y             ; $1254
        ldx #$ff
        lda #$99
        sta $1300,x             ; $13FF
        lda $1301-1,x
        cmp #$99
        bne *
        lda #$e0
        sta $10
        lda #$13
        sta $11
        ldy #$1f
        lda ($10),y             ; $13E0 + $1F = $13FF
        cmp #$99
        bne *
        ldx #$10
        lda $f8,x               ; zero page index wraps: $0008
        sta $0008
        lda #$3c
        sta $08
        lda $f8,x
        cmp #$3c
        bne *

; --- decimal mode --------------------------------------------------------------------------
        sed
        clc
        lda #$19
        adc #$01
        cmp #$20
        bne *
        clc                     ; (CMP set the carry)
        lda #$99
        adc #$01                ; $00, carry out
        bne *
        bcc *
        sec
        lda #$00
        sbc #$01
        bcs *                   ; a borrow
        cmp #$99
        bne *
        cld

; --- BRK and RTI in emulation mode ---------------------------------------------------------
        lda #$00
        sta brk_seen
        sed                     ; BRK clears D on the 65C816
        brk
        .db $ea                 ; the signature byte, skipped by RTI
        ldy brk_seen
        cpy #$01
        bne *
        php
        pla
        and #$08
        beq *                   ; D restored by RTI
        cld

; --- next pass -----------------------------------------------------------------------------
        dec passes
        beq success
        jmp again

success:
        jmp success

        .a8
        .i8
sub_rts:
        tsx
        cpx #$fd
        bne *
        lda #$c3
        rts

        .a8
        .i8
brk_handler:
        pha
        php
        pla
        and #$0c                ; D clear, I set in the handler
        cmp #$04
        bne *
        tsx
        lda $0102,x             ; the P that BRK pushed: B set
        and #$10
        beq *
        inc brk_seen
        pla
        rti

nmi_trap:
        jmp nmi_trap

passes = $0080
brk_seen = $0081

        .org $fffa
        .dw nmi_trap
        .dw start
        .dw brk_handler
