; width.asm - the mistake w65 asm catches: a 16-bit immediate after SEP made A 8-bit
        sep #$20
        lda #$1234
