"""Numbers, expressions, labels, symbols and directives of the dialect."""

import pytest

from w65tool.asm import AsmError, assemble_source


def bytes_of(source: str, **options) -> str:
    """Assemble at $1000 with 8-bit registers; the image as spaced upper-case hex."""
    result = assemble_source(".org $1000\n.a8\n.i8\n" + source + "\n", **options)
    return result.image.to_bin().hex(" ").upper()


def error_messages(assemble, *args) -> list[str]:
    """The messages of the diagnostics `assemble(*args)` fails with."""
    with pytest.raises(AsmError) as err:
        assemble(*args)
    return [d.message for d in err.value.diagnostics]


@pytest.mark.parametrize(
    "literal",
    ["$1F", "0x1F", "1Fh", "01fH", "%00011111", "0b11111", "11111b", "37q", "37o", "31", "1_Fh"],
)
def test_number_forms_read_the_same(literal):
    assert bytes_of(f".db {literal}") == "1F"


def test_underscores_separate_digits():
    assert bytes_of(".dw %0001_0010_0011_0100, $12_34") == "34 12 34 12"


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'A'", 0x41),
        ("'\\n'", 10),
        ("'\\x7f'", 0x7F),
        ("'\\''", 0x27),
        ("'\\0'", 0),
        ("'\\\\'", 0x5C),
    ],
)
def test_character_literals_take_c_escapes(literal, value):
    assert bytes_of(f".db {literal}") == f"{value:02X}"


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("2+3*4", 14),
        ("(2+3)*4", 20),
        ("20/3", 6),
        ("-20/3", -6 & 0xFF),
        ("20%3", 2),
        ("1<<4|1", 17),
        ("$F0>>4", 15),
        ("6&3", 2),
        ("6^3", 5),
        ("6|3", 7),
        ("~0", 0xFF),
        ("-1", 0xFF),
        ("!0", 1),
        ("!5", 0),
        ("3<4", 1),
        ("3>4", 0),
        ("4<=4", 1),
        ("4>=5", 0),
        ("2==2", 1),
        ("2!=2", 0),
        ("1&&0", 0),
        ("1||0", 1),
        ("1+2<<1", 6),
        ("<$1234", 0x34),
        (">$1234", 0x12),
        ("^$123456", 0x12),
        ("<$1234+1", 0x35),
        ("`$123456", 0x12),
        ("`$123456+$10000", 0x13),
        ("3<>4", 1),
        ("3<>3", 0),
    ],
)
def test_expression_operators_follow_c_precedence(expr, value):
    assert bytes_of(f".db {expr}") == f"{value:02X}"


def test_low_word_and_high_word_read_as_64tass_reads_them():
    source = ".a16\nlda #<>$123456\n.word <>$123456, <>$123456+1, >`$123456\nlda <>$12"
    assert bytes_of(source) == "A9 56 34 56 34 57 34 34 12 A5 12"


@pytest.mark.parametrize("expr", ["2**3", "3><4", "3=4", "1?2:3", "3 .and 4", "<=3"])
def test_an_operator_w65_does_not_read_is_an_error(expr):
    messages = error_messages(assemble_source, f".db {expr}\n")
    assert len(messages) == 1 and "unexpected" in messages[0]


def test_current_address_dollar_and_star():
    assert bytes_of(".dw $, *+2") == "00 10 04 10"


def test_dollar_in_a_data_list_is_the_items_address():
    assert bytes_of(".dw $, $, $") == "00 10 02 10 04 10"


def test_several_labels_on_one_line():
    result = assemble_source(".org $200\na: b: c: nop\n")
    assert result.symbols["a"] == result.symbols["b"] == result.symbols["c"] == 0x200


@pytest.mark.parametrize(
    "line", ["N = 5", "N equ 5", "N EQU 5", ".equ N = 5", ".set N = 5", "N .set 5", "set N = 5"]
)
def test_assignment_spellings(line):
    assert assemble_source(line + "\n").symbols["N"] == 5


def test_set_may_be_reassigned_and_reads_in_order():
    assert bytes_of(".set v = 1\n.db v\n.set v = v + 1\n.db v") == "01 02"


def test_cheap_local_labels_belong_to_the_previous_global_label():
    src = "one: @loop: bra @loop\ntwo: @loop: bra @loop\n"
    result = assemble_source(".org $10\n" + src)
    assert result.symbols["one@loop"] == 0x10
    assert result.symbols["two@loop"] == 0x12


def test_scope_makes_labels_local():
    src = ".scope\nloop: nop\n.ends\n.scope\nloop: bra loop\n.ends\n"
    assert bytes_of(src) == "EA 80 FE"


def test_an_anonymous_scope_in_a_macro_expanded_twice_keeps_its_labels_apart():
    source = ".macro P\n.scope\nr:\n  dey\n  bne r\n.ends\n.endm\n  P\n  P\n"
    result = assemble_source(".org $100\n" + source)
    assert result.image.to_bin().hex(" ").upper() == "88 D0 FD 88 D0 FD"
    assert sorted(result.symbols.values()) == [0x100, 0x103]


def test_func_defines_its_name_and_a_scope():
    src = ".func delay\nloop: dex\nbne loop\nrts\n.endf\njsr delay\n"
    result = assemble_source(".org $1000\n" + src)
    assert result.symbols["delay"] == 0x1000
    assert result.symbols["delay.loop"] == 0x1000
    assert result.image.to_bin()[-3:] == bytes([0x20, 0x00, 0x10])


def test_define_substitutes_text():
    assert bytes_of(".define PORT $DF23\nsta PORT") == "8D 23 DF"


def test_function_like_define_takes_arguments():
    assert bytes_of(".define SUM(a,b) ((a)+(b))\n.db SUM(1,2)*2") == "06"


def test_define_from_the_command_line():
    assert bytes_of(".db VALUE", defines={"VALUE": "7"}) == "07"


def test_macro_with_parameters():
    src = ".macro store(value, where)\nlda #value\nsta where\n.endm\nstore 1, $10\nstore(2, $11)"
    assert bytes_of(src) == "A9 01 85 10 A9 02 85 11"


def test_macro_parameters_without_parentheses():
    assert bytes_of(".macro twice v\n.db v, v\n.endm\ntwice 9") == "09 09"


def test_repeat():
    assert bytes_of(".repeat 3\nnop\n.endr") == "EA EA EA"


def test_nested_repeat():
    assert bytes_of(".repeat 2\n.repeat 2\n.db 1\n.endr\n.db 2\n.endr") == "01 01 02 01 01 02"


@pytest.mark.parametrize(
    ("cond", "expected"), [("1", "01"), ("0", "02"), ("N > 2", "01"), ("N == 2", "02")]
)
def test_if_else(cond, expected):
    assert bytes_of(f"N = 3\n.if {cond}\n.db 1\n.else\n.db 2\n.endif") == expected


def test_elif():
    assert bytes_of(".if 0\n.db 1\n.elif 1\n.db 2\n.else\n.db 3\n.endif") == "02"


def test_ifdef_and_ifndef():
    src = ".define X 1\n.ifdef X\n.db 1\n.endif\n.ifndef X\n.db 2\n.endif\n.ifndef Y\n.db 3\n.endif"
    assert bytes_of(src) == "01 03"


def test_nested_if_in_a_false_branch_stays_false():
    assert bytes_of(".if 0\n.if 1\n.db 1\n.endif\n.else\n.db 2\n.endif") == "02"


@pytest.mark.parametrize(
    ("directive", "expected"),
    [
        (".db 1,2", "01 02"),
        (".dc8 1", "01"),
        (".byte 1", "01"),
        ('.db "ab",0', "61 62 00"),
        ('.ascii "ab"', "61 62"),
        ('.asciiz "ab"', "61 62 00"),
        (".dw $1234", "34 12"),
        (".dc16 $1234", "34 12"),
        (".word $1234", "34 12"),
        (".long $123456", "56 34 12"),
        (".faraddr $123456", "56 34 12"),
        (".dd $12345678", "78 56 34 12"),
        (".dc32 1", "01 00 00 00"),
        (".dword 1", "01 00 00 00"),
        (".dc64 1", "01 00 00 00 00 00 00 00"),
        (".dq 1", "01 00 00 00 00 00 00 00"),
        (".data_fill $AA,3", "AA AA AA"),
        (".res 3, $EA", "EA EA EA"),  # ca65
        (".fill 2, $FF", "FF FF"),  # 64tass
        (".ds 2, 7", "07 07"),
        (".resw 2, $1234", "34 12 34 12"),
        ("db 5", "05"),
        ("DB 5", "05"),
        (".DW 5", "05 00"),
    ],
)
def test_data_directives(directive, expected):
    assert bytes_of(directive) == expected


def test_dl_is_three_bytes_with_a_warning():
    result = assemble_source(".dl $123456\n")
    assert result.image.to_bin() == bytes([0x56, 0x34, 0x12])
    assert [d.name for d in result.diagnostics] == ["dl-size"]


def test_reserve_moves_the_address_without_bytes():
    source = ".org $10\n.resb 3\na:\n.resw 2\nb:\n.ds 1\nc:\n.fill 2\nd:\n"
    result = assemble_source(source)
    assert [result.symbols[name] for name in "abcd"] == [0x13, 0x17, 0x18, 0x1A]
    assert len(result.image) == 0


def test_align_counts_bytes_and_reserves_the_gap_as_ca65_and_64tass_do():
    result = assemble_source(".org $1003\n.db 1\n.align 256\nend_a:\n.db 2\n.align 16\nb:\n")
    assert result.symbols["end_a"] == 0x1100 and result.symbols["b"] == 0x1110
    assert list(result.image.segments()) == [(0x1003, b"\x01"), (0x1100, b"\x02")]


def test_align_with_a_fill_value_writes_the_gap():
    assert bytes_of(".db 1\n.align 4, $EA\n.db 2\n.align 2\n.db 3") == "01 EA EA EA 02 FF 03"


def test_align_on_a_boundary_adds_nothing():
    assert bytes_of(".db 1, 2, 3, 4\n.align 4, 0\n.db 5") == "01 02 03 04 05"


def test_align_counts_bits_and_writes_zeros_under_compat_naken():
    source = ".db 1\n.align 32\n.db 2\n.align_bytes 2\n.db 3"
    assert bytes_of(source, compat="naken") == "01 00 00 00 02 00 03"


def test_star_equals_sets_the_origin_as_in_64tass():
    result = assemble_source("* = $2000\nnop\n*=*+2\nhere: nop\n")
    assert result.image.low == 0x2000 and result.symbols["here"] == 0x2003
    assert list(result.image.segments()) == [(0x2000, b"\xea"), (0x2003, b"\xea")]


def test_org_places_code():
    result = assemble_source(".org $123456\nnop\n")
    assert result.image.low == 0x123456


def test_entry_point_and_end():
    result = assemble_source(".org $300\nnop\nmain: .entry_point\nnop\nend\nthis is not read\n")
    assert result.image.entry == 0x301
    result = assemble_source(".org $300\nstart: nop\nend start\n")
    assert result.image.entry == 0x300


def test_65816_directive_is_accepted():
    assert bytes_of(".65816\nnop") == "EA"


def test_the_cpu_selects_of_ca65_and_64tass_are_accepted_for_the_65816():
    assert bytes_of('.p816\n.setcpu "65816"\n.cpu "w65c816"\n.setcpu "65C816"\nnop') == "EA"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (".res 2, $100", "fill value $0100 does not fit in a byte"),
        (".resw 1, $10000", "fill value $010000 does not fit in a word"),
        (".fill 1, 2, 3", "'.fill' takes 1 to 2 arguments, not 3"),
        ('.setcpu "6502"', "w65 assembles for the 65816 only, not '6502'"),
        (".cpu 65816", "'.cpu' takes the CPU's name in quotes: .cpu \"65816\""),
        ("$ = $2000", "the origin is set with '* = address' or '.org address'"),
    ],
)
def test_a_bad_peer_spelling_is_one_error(line, message):
    assert error_messages(assemble_source, line + "\n") == [message]


def test_data_words_of_ca65_and_64tass():
    assert bytes_of('.addr $1234, 5\n.text "hi", 0') == "34 12 05 00 68 69 00"


def test_block_comments_span_lines():
    assert bytes_of("nop /* one\n two */ nop\n/* three */ nop // four") == "EA EA EA"


def test_semicolon_inside_a_string_is_not_a_comment():
    assert bytes_of('.db ";"') == "3B"


def test_binfile_inserts_bytes(tmp_path):
    (tmp_path / "data.bin").write_bytes(b"\x01\x02\x03")
    src = tmp_path / "main.asm"
    src.write_text('.org $10\n.binfile "data.bin"\n')
    from w65tool.asm import assemble_file

    assert assemble_file(src).image.to_bin() == b"\x01\x02\x03"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('.incbin "data.bin"', "41 42 43 44 45"),  # ca65
        ('.binary "data.bin", 3', "44 45"),  # 64tass
        ('.binfile "data.bin", 1, 2', "42 43"),
        ('.incbin "data.bin", 5', ""),
        ('.incbin "data.bin", 0, 0', ""),
    ],
)
def test_a_binary_file_from_an_offset_and_of_a_length(tmp_path, line, expected):
    from w65tool.asm import assemble_file

    (tmp_path / "data.bin").write_bytes(b"ABCDE")
    src = tmp_path / "main.asm"
    src.write_text(f".org $10\n{line}\nafter:\n")
    result = assemble_file(src)
    assert result.image.to_bin().hex(" ").upper() == expected
    assert result.symbols["after"] == 0x10 + len(bytes.fromhex(expected))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('.incbin "data.bin", 6', "offset 6 is outside the file (5 bytes)"),
        (
            '.binary "data.bin", 2, 4',
            "length 4 runs past the end of the file (3 bytes from offset 2)",
        ),
        (
            '.incbin "data.bin", 1, 2, 3',
            "'.incbin' takes a file name in quotes, then an offset and a length if wanted: "
            '.incbin "data.bin"[, offset[, length]]',
        ),
    ],
)
def test_a_bad_binary_file_range_is_an_error(tmp_path, line, message):
    from w65tool.asm import assemble_file

    (tmp_path / "data.bin").write_bytes(b"ABCDE")
    src = tmp_path / "main.asm"
    src.write_text(f".org $10\n{line}\n")
    assert error_messages(assemble_file, src) == [message]


def test_include_searches_beside_the_file_then_include_dirs(tmp_path):
    from w65tool.asm import assemble_file

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "regs.inc").write_text("PORT = $DF23\n")
    (tmp_path / "local.inc").write_text("VAL = 7\n")
    src = tmp_path / "main.asm"
    src.write_text('.include "local.inc"\n.include "regs.inc"\n.db VAL\nsta PORT\n')
    result = assemble_file(src, include_dirs=[tmp_path / "lib"])
    assert result.image.to_bin() == bytes([7, 0x8D, 0x23, 0xDF])


def test_project_include_folder_is_searched_last():
    result = assemble_source('.include "w65c265.inc"\n')
    assert result.symbols


def test_dpage_makes_direct_page_relative_to_d():
    assert bytes_of(".dpage $1200\nlda $1234\nlda $34") == "A5 34 AD 34 00"


def test_databank_chooses_absolute_inside_the_bank():
    assert bytes_of(".databank $7E\nlda $7E1234\nlda $1234") == "AD 34 12 AF 34 12 00"


def test_bad_input_is_an_asm_error_not_a_crash():
    with pytest.raises(AsmError):
        assemble_source("\x00\x01\x02 lda (((")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (".org $0000\n bpl $FF82", "10 80"),  # back past the start of bank 0
        (".org $7EFFF0\n bra $7E0002", "80 10"),  # forward past the end of bank $7E
        (".org $FFFE\n bne $0000", "D0 00"),  # the next instruction wraps to $0000
        (".org $0000\n brl $8003", "82 00 80"),
        (".org $0010\n brl $FFF0", "82 DD FF"),  # brl reaches anywhere in its bank
        (".org $7EFFF0\n per $7E0010", "62 1D 00"),
    ],
)
def test_relative_branches_wrap_within_their_bank(source, expected):
    assert bytes_of(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (".org $0000\n bpl $FF00", "branch too far by 130 bytes (back 258"),
        (".org $FFF0\n bra $0080", "branch too far by 15 bytes (forward 142"),
        (".org $FFF0\n bra $010000", "branch target $010000 is outside the current bank $00"),
        (".org $7E0000\n brl $7DFFF0", "branch target $7DFFF0 is outside the current bank $7E"),
    ],
)
def test_branches_that_cannot_reach_say_by_how_much(source, message):
    with pytest.raises(AsmError) as err:
        bytes_of(source)
    assert message in err.value.render()


def test_addr_and_pea_take_the_low_16_bits_of_a_label_in_another_bank_as_ca65_does():
    # ca65+ld65 with the code placed at $808000 write 00 80 F4 FF 7F for these lines
    source = ".org $808000\nlab:\n.addr lab\npea lab-1\n"
    assert assemble_source(source).image.to_bin().hex(" ").upper() == "00 80 F4 FF 7F"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (".word $808000", "value $808000 does not fit in 16 bits"),
        (".addr $1000000", "value $1000000 does not fit in 24 bits"),
        ("pea $1000000", "address $1000000 is outside the 24-bit address space"),
        ("pea #$808000", "value $808000 does not fit in 16 bits"),
    ],
)
def test_word_and_pea_immediates_stay_16_bit_and_addresses_24_bit(line, message):
    assert error_messages(assemble_source, line + "\n") == [message]
