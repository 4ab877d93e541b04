"""Program images: Intel HEX, S28 and binary, in and out."""

import itertools
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w65tool import image as image_module
from w65tool.errors import W65Error
from w65tool.image import Image, srec_record, write_atomic


def _sample() -> Image:
    image = Image()
    image.put(0x00B6, bytes(range(40)))
    image.put(0x012000, b"abc")
    image.entry = 0x00B6
    return image


def test_hex_round_trip_keeps_bytes_and_entry():
    image = _sample()
    back = Image.from_hex(image.to_hex())
    assert back.data == image.data and back.entry == 0x00B6


def test_hex_uses_extended_linear_address_above_64k():
    assert ":020000040001F9" in _sample().to_hex()


def test_srec_round_trip_and_terminator():
    text = _sample().to_srec()
    assert text.splitlines()[-1] == "S8040000B645"
    assert Image.from_srec(text).data == _sample().data


def test_srec_checksum_covers_the_bank_byte():
    # count 07, address 01 20 00, data 61 62 63: sum $14E, complement of $4E is $B1.
    assert srec_record(2, 0x012000, b"abc") == "S207012000616263B1"
    assert srec_record(8, 0, b"") == "S804000000FB"  # the monitor's end record


def test_segments_are_contiguous_runs():
    assert [(a, len(b)) for a, b in _sample().segments()] == [(0xB6, 40), (0x12000, 3)]


def test_bad_srec_checksum_names_the_line(tmp_path):
    path = tmp_path / "bad.s28"
    path.write_text("S2140000B6000102030405060708090A0B0C0D0E0FBD\nS207012000616263B2\n")
    with pytest.raises(W65Error, match=r"bad\.s28:2:1: error: S-record checksum is \$B2"):
        Image.load(path)


HEX_ERRORS = [
    ("hello\n:00000001FF\n", "1:1: error: not an Intel HEX record: 'hello'"),
    (
        ":0100000041B\n:00000001FF\n",
        "1:1: error: Intel HEX record has an odd number of digits (11)",
    ),
    (":01000000G1BE\n", "1:10: error: Intel HEX record has a non-hex character 'G'"),
    (":0100 0000AABE\n", "1:6: error: Intel HEX record has a non-hex character ' '"),
    (":00000001\n", "1:1: error: Intel HEX record is too short (4 bytes, at least 5)"),
    (":0200000041BE\n", "1:1: error: Intel HEX record's byte count is 2 but it holds 1"),
    (":00000001FF\n:0100000041BF\n", "2:1: error: record after the Intel HEX end record (line 1)"),
    (":0100000041BE\n", "2:1: error: Intel HEX file has no end record (:00000001FF)"),
    ("", "1:1: error: Intel HEX file has no end record (:00000001FF)"),
    (
        ":0100000041BE\n:0100000041BE\n:00000001FF\n",
        "2:1: error: Intel HEX record writes $000000 a second time",
    ),
    (":0100000041BF\n:00000001FF\n", "1:1: error: Intel HEX checksum is $BF, expected $BE"),
    (":0100000106F8\n", "1:1: error: Intel HEX end record holds data"),
    (":00000006FA\n", "1:1: error: unknown Intel HEX record type $06"),
    (
        ":0100000401FA\n",
        "1:1: error: Intel HEX extended address record (type 04) holds 1 bytes, not 2",
    ),
    (
        ":03000002000000FB\n",
        "1:1: error: Intel HEX extended address record (type 02) holds 3 bytes, not 2",
    ),
    (
        ":020000050000F9\n",
        "1:1: error: Intel HEX start address record (type 05) holds 2 bytes, not 4",
    ),
    (
        ":03000003000000FA\n",
        "1:1: error: Intel HEX start address record (type 03) holds 3 bytes, not 4",
    ),
    (
        ":0400000501000000F6\n:00000001FF\n",
        "1:1: error: Intel HEX start address $1000000 is past the 24-bit space",
    ),
    (
        ":020000040100F9\n:0100000041BE\n:00000001FF\n",
        "2:1: error: Intel HEX data at $1000000 is past the 24-bit space",
    ),
]


def test_hex_data_past_offset_ffff_runs_on_only_after_a_linear_base(tmp_path):
    crossing = ":02FFFF0041427D\n:00000001FF\n"  # $FFFF and $10000, or $FFFF and $0000?
    with pytest.raises(W65Error, match=r":1:1: error: Intel HEX data record runs past offset"):
        Image.from_hex(crossing)
    image = Image.from_hex(":020000040000FA\n" + crossing)
    assert image.segments() == [(0xFFFF, b"AB")]


@pytest.mark.parametrize(("text", "message"), HEX_ERRORS)
def test_bad_hex_names_the_line_and_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.hex"
    path.write_text(text)
    with pytest.raises(W65Error) as caught:
        Image.load(path)
    assert str(caught.value.render()).startswith(f"{path}:{message}")


def test_hex_checksum_error_says_what_the_byte_should_be(tmp_path):
    path = tmp_path / "bad.hex"
    path.write_text(":0100000041BE\n:0100010042BE\n:00000001FF\n")
    with pytest.raises(W65Error) as caught:
        Image.load(path)
    assert caught.value.render() == f"{path}:2:1: error: Intel HEX checksum is $BE, expected $BC"


def test_hex_reads_every_address_and_start_record():
    text = (
        ":020000021000EC\n"  # segment base $10000
        ":0200100041426B\n"  # $10010: 41 42
        ":0200000400FEFC\n"  # linear base $FE0000
        ":01FFFF0043BE\n"  # $FEFFFF: 43
        ":0400000300120034B3\n"  # CS:IP $0012:$0034 -> $154
        ":00000001FF\n"
    )
    image = Image.from_hex(text)
    assert image.segments() == [(0x10010, b"AB"), (0xFEFFFF, b"C")]
    assert image.entry == 0x154


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, (1 << 24) - 1), st.binary(min_size=1, max_size=300))),
    st.one_of(st.none(), st.integers(0, (1 << 24) - 1)),
)
def test_hex_write_then_read_gives_the_image(puts, entry):
    image = Image(entry=entry)
    for address, payload in puts:
        image.put(address, payload[: (1 << 24) - address])
    back = Image.from_hex(image.to_hex())
    assert back.segments() == image.segments() and back.entry == entry


def test_image_runs_merge_overlap_and_keep_gaps():
    image = Image()
    image.put(0x10, b"\x01\x02")
    image.put(0x20, b"\x05")
    assert image.segments() == [(0x10, b"\x01\x02"), (0x20, b"\x05")]
    image.put(0x12, b"\x03")  # touches the first run: joins it
    assert image.segments() == [(0x10, b"\x01\x02\x03"), (0x20, b"\x05")]
    image.put(0x0F, b"\xaa\xbb")  # starts before, overlaps: later bytes win
    assert image.segments() == [(0x0F, b"\xaa\xbb\x02\x03"), (0x20, b"\x05")]
    image.put(0x12, bytes(14))  # fills the gap: one run
    assert image.segments() == [(0x0F, b"\xaa\xbb\x02" + bytes(14) + b"\x05")]
    image.put(0x30, b"")  # nothing placed
    assert (len(image), image.low, image.high) == (18, 0x0F, 0x20)
    assert image.get(0x20) == 5 and image.get(0x21) is None and 0x0E not in image.data
    assert image.first_taken(0x00, 0x10) == 0x0F and image.first_taken(0x22, 100) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.binary(max_size=40)), max_size=30))
def test_image_put_and_read_agree_with_a_dict(puts):
    image, model = Image(), {}
    for address, payload in puts:
        image.put(address, payload)
        model.update(zip(range(address, address + len(payload)), payload, strict=True))
    assert dict(image.data) == model and len(image) == len(model)
    assert all(image.get(a) == model.get(a) for a in range(0, 250))
    runs = image.segments()
    assert all(a + len(d) < b for (a, d), (b, _) in itertools.pairwise(runs))  # apart
    assert image.to_bin(0) == bytes(
        model.get(a, 0) for a in range(min(model, default=0), max(model, default=-1) + 1)
    )


def test_binary_needs_an_origin(tmp_path):
    path = tmp_path / "prog.bin"
    path.write_bytes(b"\xea\xea")
    with pytest.raises(W65Error, match="--org"):
        Image.load(path)
    assert Image.load(path, org=0x1000).segments() == [(0x1000, b"\xea\xea")]


def test_save_is_atomic_and_leaves_no_temporaries(tmp_path):
    path = tmp_path / "out.hex"
    _sample().save(path)
    assert Image.load(path).data == _sample().data
    assert [p.name for p in tmp_path.iterdir()] == ["out.hex"]


def test_written_files_get_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.hex", b":00000001FF\n")
        write_atomic(tmp_path / "out.hex", b":00000001FF\n")  # replacing keeps it too
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.hex").stat().st_mode) == 0o644


def test_a_temporary_name_left_behind_is_skipped_not_followed(tmp_path, monkeypatch):
    monkeypatch.setattr(image_module, "_TEMP_NAMES", itertools.count())
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    left = tmp_path / f".out.hex.{os.getpid()}-0.tmp"
    left.symlink_to(victim)
    write_atomic(tmp_path / "out.hex", b"new")
    assert (tmp_path / "out.hex").read_bytes() == b"new"
    assert victim.read_bytes() == b"keep" and left.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == [left.name, "out.hex", "victim"]


def test_a_file_that_cannot_be_written_is_a_one_line_error(tmp_path):
    with pytest.raises(W65Error, match=r"cannot write .*missing/out.hex: No such file"):
        write_atomic(tmp_path / "missing" / "out.hex", b"x")
    (tmp_path / "dir").mkdir()
    with pytest.raises(W65Error, match=r"cannot write .*dir: Is a directory"):
        write_atomic(tmp_path / "dir", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]


def test_a_link_is_written_through_and_stays_a_link(tmp_path):
    target = tmp_path / "build" / "prog.hex"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "prog.hex"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["prog.hex"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no named pipes")
def test_what_is_not_a_plain_file_is_written_in_place_not_replaced(tmp_path):
    # as /dev/null and /dev/stdout are: renaming over them would replace the device itself
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b":00000001FF\n")
    reader.join(timeout=10)
    assert got == [b":00000001FF\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(0, 600), st.integers(0, 255), max_size=200))
def test_segments_hold_every_byte_once_in_maximal_runs(data):
    image = Image()
    for address, value in data.items():
        image.put(address, bytes([value]))
    runs = image.segments()
    assert [(a + k, b) for a, payload in runs for k, b in enumerate(payload)] == sorted(
        data.items()
    )
    # runs are in order and never touch: each one is as long as it can be
    assert all(a + len(p) < b for (a, p), (b, _) in itertools.pairwise(runs))
