"""The Intel HEX writer gives the records `intelhex` writes, byte for byte, and reads back."""

import io
import random

import pytest
from intelhex import IntelHex

from w65tool.image import Image


def _intelhex_text(image: Image) -> str:
    ih = IntelHex()
    for start, payload in image.segments():
        ih.puts(start, payload)
    if image.entry is not None:
        ih.start_addr = {"EIP": image.entry}
    out = io.StringIO()
    ih.write_hex_file(out, write_start_addr=image.entry is not None, byte_count=16)
    return out.getvalue()


def _random_image(rng: random.Random) -> Image:
    image = Image(entry=rng.choice([None, 0, rng.randrange(1 << 24)]))
    for _ in range(rng.randint(0, 6)):
        # runs near 64 KiB boundaries, in several banks, and with holes between them
        base = rng.choice([0, 0xFFF0, 0x1FFE5, rng.randrange(0xFF0000)])
        start = base + rng.randrange(40)
        image.put(start, rng.randbytes(rng.randint(1, 80)))
    return image


@pytest.mark.parametrize("seed", range(200))
def test_hex_text_matches_intelhex(seed):
    image = _random_image(random.Random(seed))
    text = image.to_hex()
    assert text == _intelhex_text(image)
    back = Image.from_hex(text)
    assert back.data == image.data and back.entry == image.entry


def test_empty_image_is_the_end_record():
    assert Image().to_hex() == ":00000001FF\n"
