"""`--compat ca65`: programs in ca65's syntax give ca65+ld65's bytes, unchanged.

Each program is fed to ca65+ld65 (skipped, saying so, where they are not installed) and to
w65; the peer's flat binary is the oracle. What w65 does not read is a located error.
"""

from __future__ import annotations

import pytest
from peers import ca65, flat, need, run

from w65tool.asm import AsmError, assemble_file, assemble_source

EXPRESSIONS = """\
.p816
.setcpu "65816"
.org $1000
.import helper
.export start, data
.global shared
start:
    lda #<data
    ldx #>data+1            ; ca65's unary > binds tight: (>data)+1
    lda #^data
    lda a:$12
    lda z:$12,x
    lda f:data
:   dex
    bne :-
    beq :+
    nop
:   lda .loword(data)
    lda #.lobyte(data+1)
    lda #.hibyte(data) + 1
    lda #.bankbyte($123456)
    .word .hiword($123456), .loword($123456)
    lda !0                  ; `!` is a logical not: 1, direct page
    lda <later              ; a byte of a symbol not yet defined: direct page
    lda .lobyte(later)
    lda >later
    lda later & $FF         ; but not a mask: absolute
    .lobytes $1234, data
    .hibytes $1234, data
    .bankbytes $123456
    .if (1 = 1) .and (2 <> 3)
    .byte $F0 .bitand $3C, 7 .mod 4, 1 .shl 3, .bitnot 0 .bitand 3, 5 .bitxor 1
    .endif
    .repeat 3, I
    .byte I*2, I
    .endrep
@loc: bra @loc
    mvn $01, $02            ; bare operands are addresses: their banks, 0 and 0
    mvn #$01, #$02
    mvp #^$123456, #^$7E0000
    mvn $123456, $7E0000
.proc outer
inner: nop
.scope deep
leaf: rts
.endscope
.endproc
    jsr outer::inner
    jmp outer::deep::leaf
    .assert * > $1000, error, "too low"
shared := $42
later = $1234
data: .byte "a\\b", 'x', shared
    .align 8
    .byte 1
"""

WIDTHS = """\
.p816
.org $2000
    lda #$12                ; ca65 starts 8-bit
    ldx #$12
    .a16
    .i16
    lda #$1234
    ldx #$1234
    .a8
    .i8
    rep #$30                ; without .smart, rep/sep change nothing
    lda #$12
    .smart
    rep #$30
    lda #$1234
    ldy #$1234
    sep #$20
    lda #$12
    .smart -
    rep #$20
    lda #$12
    .smart on
    sep #$10
    ldx #$12
.macro LDAI v               ; a macro choosing by the width where it is expanded
    .if .asize = 16
    lda #v & $FFFF
    .else
    lda #v & $FF
    .endif
.endmacro
    .a8
    LDAI $1234
    .a16
    LDAI $1234
    .byte .asize, .isize
    sep #$30
    .byte .asize, .isize
    rep #%00010000
    .byte .asize, .isize
"""

SEGMENTS = """\
.p816
.segment "ZEROPAGE"
ptr: .res 2
.code
.proc main
    lda ptr
    lda table
    jsr sub
    .pushseg
    .rodata
msg: .byte "hi", 0
    .popseg
    lda msg
    rts
.endproc
.proc sub
    ldx #1
    lda vars,x
    rts
.endproc
.segment "DATA"
table: .word main, sub
.segment "BSS"
vars: .res 4
.segment "CODE"
    lda fwd                 ; a forward reference is absolute in ca65
    lda low                 ; and a label outside zero page too
    nop
low:
fwd = $20
.segment "VECTORS"
    .org $FFFC              ; in a placed segment .org changes the addresses only
here: .word here
    .reloc
"""

STRUCTS = """\
.p816
.org $1000
.struct Point
    xcoord  .word
    ycoord  .word
    flags   .byte 2
    .res 1
    far     .faraddr
.endstruct
.struct Line
    from    .tag Point
    to      .tag Point
.endstruct
.enum Color
    black
    white
    red = 5
    green
.endenum
.enum
    ZERO
    ONE
.endenum
    lda #Point::ycoord
    lda #.sizeof(Point)
    lda #.sizeof(Line)
    lda #Line::to
    ldx #Color::green
    ldy #ONE
here: .tag Point
    .byte 1
    lda here+Point::far
"""

CONDITIONS = """\
.p816
.org $1000
.byt 1, 2
.dbyt $1234, $ABCD
.ifp816
.byte 3
.endif
.ifpc02
.byte 4
.endif
.macro opt v
.ifblank v
    nop
.else
    lda #v
.endif
.ifnblank v
    .byte v
.endif
.endmacro
    opt
    opt 7
.macro counted a1, a2, a3
    .byte .paramcount
.if .paramcount > 1
    .byte a2
.endif
.endmacro
    counted 1
    counted 1, 7
    counted 1, 8, 9
.mac wait n
.local loop, done
    ldx #n
loop: dex
    bne loop
    bra done
done: nop
.endmac
    wait 3
    wait 4
loop: bra loop              ; the macros' loops are their own
FOO = 1
.if .defined(FOO) .and (.not .defined(BAR))
    .byte 8
.endif
.if .defined(BAR)
    .byte 9
.endif
.feature underline_in_numbers, c_comments
.case +
    .byte %0000_0101
.out "a message, printed by ca65"
.warning "a warning"
"""

SIZES = """\
.p816
.code
lbl: nop                    ; placed by its segment: absolute, though at $10
alias = lbl
alias2 = lbl + 1
c = $20                     ; a constant: by value
    lda alias
    lda alias2
    lda c
    lda lbl
.org $30                    ; under .org a label is a constant: by value
l2: nop
    lda l2
.reloc
l3: nop
    lda l3
"""
MACPACKS = """\
.p816
.macpack longbranch
.macpack generic
.org $1000
back: nop
    jeq back                ; defined above and near: a branch
    jne fwd                 ; forward: the opposite branch over a jmp
    jcs far
    add #1
    sub #2
    bge back
    blt back
    bgt back
    ble back
    bnz back
    bze back
fwd: nop
    .res 200
far: nop
    jcc far
    jmi back                ; above but out of reach
"""

FILLED = """\
.p816
.zeropage
zz: .res 2
.code
    lda zz
    rts
.data
.byte 1
"""
FILLED_CFG = """\
MEMORY {
    ZP: start = $10, size = $10, file = "";
    M: start = $2000, size = $20, file = %O, fill = yes, fillval = $EA;
}
SEGMENTS {
    ZEROPAGE: load = ZP, type = zp;
    CODE: load = M, type = ro;
    DATA: load = M, type = rw, align = 8;
}
"""

LOW_CFG = """\
MEMORY { M: start = $10, size = $1000, file = %O; }
SEGMENTS { CODE: load = M, type = rw; }
"""

CFG = """\
MEMORY {
    ZP:   start = $0010, size = $00F0, type = rw, file = "";
    MAIN: start = $0020, size = $1000, file = %O;
}
SEGMENTS {
    ZEROPAGE: load = ZP, type = zp;
    CODE:     load = MAIN, type = ro;
    RODATA:   load = MAIN, type = ro;
    DATA:     load = MAIN, type = rw, align = $10;
    VECTORS:  load = MAIN, type = ro;
    BSS:      load = MAIN, type = bss;
}
"""

CHAINED = """\
.p816
.org $3000
.segment "CODE"
    jsr sub
    lda msg
    rts
.segment "RODATA"
msg: .byte "ok", 0
.segment "CODE"
sub: rts
"""


@pytest.mark.parametrize(
    ("source", "cfg"),
    [
        (EXPRESSIONS, None),
        (WIDTHS, None),
        (SEGMENTS, CFG),
        (STRUCTS, None),
        (CONDITIONS, None),
        (SIZES, LOW_CFG),
        (FILLED, FILLED_CFG),
        (MACPACKS, None),
    ],
    ids=[
        "expressions",
        "widths",
        "segments",
        "structs",
        "conditions",
        "sizes",
        "filled",
        "macpacks",
    ],
)
def test_ca65_programs_give_ca65s_bytes(source, cfg, tmp_path):
    peer = ca65(source, tmp_path, cfg)
    options = {"cfg": tmp_path / "prog.cfg"} if cfg else {}
    assert flat(tmp_path / "prog.s", compat="ca65", **options) == peer


def test_without_a_cfg_segments_follow_one_another_in_order_of_first_use():
    result = assemble_source(CHAINED, compat="ca65")
    # RODATA follows the whole of CODE, both of its parts
    assert (result.symbols["sub"], result.symbols["msg"]) == (0x3007, 0x3008)
    code = bytes.fromhex("20 07 30 AD 08 30 60 60")
    assert result.image.segments() == [(0x3000, code + b"ok\0")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lda ::bar", "ca65's '::name' (a name in the outermost scope) is not supported by w65"),
        (
            "flags = $20\n.smart\nrep #flags\n.byte .asize",
            "'.asize' is not known here: a rep/sep without a number came before",
        ),
        ("lda .strlen(x)", "ca65's '.strlen' is not supported by w65"),
        ("lda $12+a:foo", "'a:' stands only at the start of an operand in w65"),
        ("bne :-", "there is no anonymous label 1 back of this line"),
        (".segment CODE", "'.segment' takes the segment's name in quotes"),
        ('.assert 0, error, "no"', "no"),
        ('.error "stop here"', "stop here"),
        ("lda #.defined(x)", "ca65's '.defined' is read in .if conditions only by w65"),
        ("lda #.paramcount", "ca65's '.paramcount' is read in a macro"),
        (".local x", "'.local' belongs in a macro"),
        (".feature string_escapes", "ca65's feature 'string_escapes' is not supported by w65"),
        (".case -", "names ignore case only under --compat 64tass"),
        (".macpack cbm", "ca65's macro package 'cbm' is not supported by w65"),
        (".struct", "a '.struct' needs a name in w65"),
        (
            ".struct S\n  x .long\n.endstruct",
            "a structure's field is '[name] .byte/.word/.addr/.faraddr/.dword [count]', "
            "'.res n' or '.tag Struct' in w65",
        ),
        (".enum E\n  a b\n.endenum", "an enum member is a name, with '= value' if wanted"),
        (".enum E\n  a", "'.enum' has no '.endenum'"),
        (".enum\n  a", "'.enum' has no '.endenum'"),
        (".struct S\n  a .byte", "'.struct' has no '.endstruct'"),
    ],
)
def test_what_w65_does_not_read_of_ca65_is_a_located_error(text, message):
    with pytest.raises(AsmError) as err:
        assemble_source(".p816\n" + text + "\n", "p.s", compat="ca65")
    first = err.value.diagnostics[0]
    # the line of the mistake: the last, or the one before a closing line
    line = 2 + text.count("\n") - text.rstrip().endswith((".endstruct", ".endenum"))
    assert first.message == message
    assert first.origin.line == (2 if "has no" in message else line)


MODULES = {
    "main.s": """\
.p816
.import helper, table
.global shared
.export start
.code
start:
    jsr helper
    lda table
    lda shared
local: bra local            ; each module's own 'local'
""",
    "lib.s": """\
.p816
.export helper
.global shared, table
.code
helper:
    lda #1
local: rts
.rodata
table: .word start, helper
shared = $1234
.import start
""",
}
MODULES_CFG = """\
MEMORY { M: start = $2000, size = $1000, file = %O; }
SEGMENTS { CODE: load = M, type = ro; RODATA: load = M, type = ro; }
"""


def test_a_source_set_of_modules_links_as_ld65_links_it(tmp_path):
    need("ca65")
    need("ld65")
    for name, text in MODULES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "set.cfg").write_text(MODULES_CFG)
    run([["ca65", name] for name in MODULES], tmp_path)
    run([["ld65", "-C", "set.cfg", "main.o", "lib.o", "-o", "peer.bin"]], tmp_path)
    files = [tmp_path / name for name in MODULES]
    result = assemble_file(files, compat="ca65", cfg=tmp_path / "set.cfg")
    assert result.image.to_bin() == (tmp_path / "peer.bin").read_bytes()
    # each module's names in its own scope; the exported ones outside too
    assert result.symbols["main.local"] != result.symbols["lib.local"]
    assert result.symbols["helper"] == result.symbols["lib.helper"]
    assert "local" not in result.symbols


def test_an_export_of_a_name_the_module_lacks_is_an_error_at_the_export(tmp_path):
    (tmp_path / "a.s").write_text(".p816\n.export nosuch\nnop\n")
    (tmp_path / "b.s").write_text(".p816\nrts\n")
    with pytest.raises(AsmError) as err:
        assemble_file([tmp_path / "a.s", tmp_path / "b.s"], compat="ca65")
    first = err.value.diagnostics[0]
    assert (first.message, first.origin.line, first.col) == (
        "undefined symbol 'a.nosuch'",
        2,
        9,
    )


def test_res_writes_zeros_but_in_bss_and_zero_page_as_ld65_writes_them():
    source = ".p816\n.org $1000\nnop\n.res 3\n.bss\nv: .res 2\n.zeropage\nzz: .res 1\n"
    result = assemble_source(source, compat="ca65")
    assert result.image.segments() == [(0x1000, bytes.fromhex("EA 00 00 00"))]
    assert (result.symbols["v"], result.symbols["zz"]) == (0x1004, 0)
