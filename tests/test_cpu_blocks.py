"""Compiled blocks (`run()`) against the same code one instruction at a time (`step()`)."""

from __future__ import annotations

import random

import pytest

from w65tool.cpu import CPU, FlatBus

HOOKED_PAGES = (0x03, 0x7F)  # pages whose accesses go through the bus, logged
IRQ_LINE = 0x0380  # writing here sets the IRQ line to bit 0 of the value
OPCODES = [code for code in range(256) if code not in (0xCB, 0xDB)]  # no WAI or STP: keep going


class LoggingBus(FlatBus):
    """Plain RAM, except two pages that go through `read`/`write`, which log each access
    with the cycle count the core shows; a write to IRQ_LINE drives the core's IRQ input."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, int, int, int]] = []
        self.cpu: CPU | None = None
        for page in HOOKED_PAGES:
            self.read_hooks[page] = self.write_hooks[page] = 1

    def read(self, address: int) -> int:
        value = super().read(address)
        assert self.cpu is not None
        self.log.append(("read", self.cpu.cycles, address, value))
        return value

    def write(self, address: int, value: int) -> None:
        assert self.cpu is not None
        self.log.append(("write", self.cpu.cycles, address, value))
        super().write(address, value)
        if address == IRQ_LINE:
            self.cpu.irq = bool(value & 1)


def random_machine(seed: int) -> CPU:
    """Random memory in bank 0 and a random program looping at $0200: most opcodes, widths,
    branches into the noise, block moves, writes into its own code and to the hooked pages."""
    rng = random.Random(seed)
    bus = LoggingBus()
    bus.ram[0:0x10000] = rng.randbytes(0x10000)
    body = bytes(rng.choice(OPCODES) for _ in range(rng.randrange(8, 48)))
    bus.load(0x0200, body + bytes([0x4C, 0x00, 0x02]))  # jmp $0200
    bus.load(0xFFE0, bytes([0x00, 0x02]) * 16)  # interrupts, BRK and COP lead back too
    cpu = CPU(bus)
    bus.cpu = cpu
    cpu.pc = 0x0200
    if rng.random() < 0.6:
        cpu.e = 0
    cpu.p = rng.randrange(256)
    cpu.a, cpu.x, cpu.y = (rng.randrange(0x10000) for _ in range(3))
    cpu.d = rng.choice([0, 0, 0x0100, 0x0342])
    cpu.s = 0x01FF
    return cpu


def state(cpu: CPU) -> tuple:
    bus = cpu.bus
    assert isinstance(bus, LoggingBus)
    registers = (cpu.a, cpu.x, cpu.y, cpu.s, cpu.d, cpu.pc, cpu.pbr, cpu.dbr, cpu.p, cpu.e)
    flags = (cpu.cycles, cpu.instructions, cpu.stopped, cpu.waiting, cpu.irq)
    return registers, flags, bytes(bus.ram[0:0x20000]), bus.log


def compiled_blocks(cpu: CPU) -> int:
    """Blocks compiled and not dropped since (live, or waiting for their check)."""
    return len(cpu._blocks._code)


def run_both(seed: int, cycles: int) -> tuple[CPU, CPU]:
    ran, stepped = random_machine(seed), random_machine(seed)
    done = 0
    while done < cycles and not ran.stopped and not ran.waiting:
        done += ran.run(cycles - done)
    while stepped.cycles < ran.cycles and not stepped.stopped and not stepped.waiting:
        stepped.step()
    return ran, stepped


def twins(source: str, prepare=None, data_seed: int | None = None) -> tuple[CPU, CPU]:
    """Two cores on logging buses holding `source` assembled (and, with `data_seed`, the same
    random bytes at $1000-$11FF), started at $0200, each set up by `prepare(cpu)`."""
    from w65tool.asm import assemble_source

    segments = assemble_source(source).image.segments()
    machines = []
    for _ in range(2):
        bus = LoggingBus()
        if data_seed is not None:
            bus.ram[0x1000:0x1200] = random.Random(data_seed).randbytes(0x200)
        for address, data in segments:
            bus.load(address, data)
        cpu = CPU(bus)
        bus.cpu = cpu
        cpu.pc = 0x0200
        if prepare is not None:
            prepare(cpu)
        machines.append(cpu)
    return machines[0], machines[1]


def run_then_step(ran: CPU, stepped: CPU, cycles: int, chunks: random.Random | None) -> None:
    """`ran` runs `cycles` with `run()` (in chunks of random length, so that limits fall
    anywhere, near a block's end too), then `stepped` steps as far."""
    while ran.cycles < cycles:
        ran.run(chunks.randrange(1, 600) if chunks else cycles - ran.cycles)
    while stepped.cycles < ran.cycles:
        stepped.step()


def native(p: int):
    """A `prepare` for `twins`: native mode with status `p`."""

    def prepare(cpu: CPU) -> None:
        cpu.e = 0
        cpu.p = p

    return prepare


@pytest.mark.parametrize("seed", range(300))
def test_run_with_blocks_matches_stepping(seed):
    ran, stepped = run_both(seed, 30_000)
    assert state(ran) == state(stepped)


def test_the_random_programs_do_run_compiled_blocks():
    compiled = [compiled_blocks(run_both(seed, 30_000)[0]) for seed in range(40)]
    assert sum(1 for n in compiled if n) >= 20  # 25 of these seeds


LOOP = bytes(
    [
        *(0xA9, 0x00),  # 0200 loop: lda #0       (its operand is rewritten below)
        *(0x8D, 0x00, 0x10),  # 0202     sta $1000
        0x1A,  # 0205                    inc
        *(0x8D, 0x01, 0x02),  # 0206     sta $0201   the operand of the lda
        *(0xEE, 0x02, 0x10),  # 0209     inc $1002
        *(0x4C, 0x00, 0x02),  # 020C     jmp loop
    ]
)


def test_code_that_rewrites_itself_runs_as_written():
    bus = FlatBus()
    bus.load(0x0200, LOOP)
    cpu = CPU(bus)
    cpu.pc = 0x0200
    while bus.ram[0x1002] < 200:
        cpu.run(1000)
    # each pass loads what the previous one stored, plus one
    assert bus.ram[0x1000] == (bus.ram[0x1002] - 1) & 0xFF


def test_memory_written_between_runs_is_seen():
    # $0200 loop: inx ; iny ; jmp loop     then the iny becomes dey between two runs
    machines = []
    for _ in range(2):
        bus = FlatBus()
        bus.load(0x0200, bytes([0xE8, 0xC8, 0x4C, 0x00, 0x02]))
        cpu = CPU(bus)
        cpu.pc = 0x0200
        machines.append(cpu)
    ran, stepped = machines
    for _ in range(2):
        ran.run(10_000)
        while stepped.cycles < ran.cycles:
            stepped.step()
        assert (ran.x, ran.y, ran.pc) == (stepped.x, stepped.y, stepped.pc)
        assert compiled_blocks(ran)
        ran.bus.ram[0x0201] = stepped.bus.ram[0x0201] = 0x88  # dey


def test_a_block_ends_after_a_write_that_raises_the_irq_line():
    # $0200 loop: lda #1 ; sta IRQ_LINE ; lda #0 ; sta IRQ_LINE ; nop ; jmp loop, I = 0
    bus = LoggingBus()
    code = [0xA9, 0x01, 0x8D, 0x80, 0x03, 0xA9, 0x00, 0x8D, 0x80, 0x03, 0xEA, 0x4C, 0x00, 0x02]
    bus.load(0x0200, bytes(code))
    bus.load(0x4000, bytes([0xA9, 0x00, 0x8D, 0x80, 0x03, 0x40]))  # lda #0 ; sta ; rti
    bus.load(0xFFFE, bytes([0x00, 0x40]))
    cpu = CPU(bus)
    bus.cpu = cpu
    cpu.pc = 0x0200
    cpu.p = 0x30
    cpu.run(50_000)
    writes = [(cycle, value) for kind, cycle, _, value in bus.log if kind == "write"]
    raises = [n for n, (_, value) in enumerate(writes[:-1]) if value == 1]
    assert len(raises) > 100
    # sta takes 4 cycles, the entry 7, the handler's lda 2: its sta comes 13 cycles on
    assert all(writes[n + 1] == (writes[n][0] + 13, 0) for n in raises)


BRANCHY = """
        .org $0200
        .a8
        .i8
start:  ldx #0
loop:   lda $1000,x
        asl a
        bcc skip1           ; over two instructions, within the block
        inc $10
        bmi skip2           ; past skip1's landing: leaves the block there
        inc $11
skip1:  bvc next            ; to the very next instruction
next:   beq skip3
        bit $1001,x
skip2:  sta $0381,x         ; a hooked page: the block ends after this store
        lsr a
        bcs skip3           ; nested in beq's skip, landing at the same place
        inc $12
skip3:  inx
        bne loop            ; back to the block's start
        jmp start
"""


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("is_native", [False, True])
def test_branches_inside_blocks_count_as_single_steps(seed, is_native):
    def prepare(cpu: CPU) -> None:
        if is_native:
            native(0x30)(cpu)
        cpu.d = (0, 0x0100, 0x2000, 0x0042, 0x20F0, 0)[seed]  # DL != 0 costs a cycle

    ran, stepped = twins(BRANCHY, prepare, data_seed=seed)
    run_then_step(ran, stepped, 40_000, random.Random(seed))
    assert compiled_blocks(ran)
    assert state(ran) == state(stepped)


JUMPY = """
        .org $0200
        .a8
        .i8
start:  ldx #0
loop:   lda $1000,x
        jsr sub             ; in the same page: the block goes on in `sub`
        bra over
back:   inx
        bne loop
        jmp start           ; the block's own start: it runs again
over:   sta $2000,x
        brl back
sub:    asl a
        bcc done
        eor #$55
done:   rts
"""


@pytest.mark.parametrize("stack", [0x01FF, 0x03FF])  # page 1, or a hooked page (native)
@pytest.mark.parametrize("is_native", [False, True])
def test_blocks_go_on_through_jumps_and_calls_in_their_page(stack, is_native):
    def prepare(cpu: CPU) -> None:
        if is_native:
            native(0x30)(cpu)
            cpu.s = stack

    ran, stepped = twins(JUMPY, prepare, data_seed=stack)
    run_then_step(ran, stepped, 40_000, random.Random(stack + is_native))
    assert max(len(pieces) for pieces in ran._blocks._code.values()) > 1
    assert state(ran) == state(stepped)


CHECKS = """
        .org $0200
        .a8
        .i8
start:  ldx #0
loop:   lda $1000,x
        ora #{keep}         ; native: M and X stay 8-bit
        pha
        plp                 ; flags from the data, I too: an IRQ may be taken here
        .a8                 ; (the widths stay 8-bit: emulation mode, or `keep`)
        .i8
        php
        pla
        cmp $1000,x
        beq ok1
        jsr error           ; in another page: the block leaves, or goes on past it
ok1:    and #$0f
        bne ok2
        jmp skip            ; in another page
ok2:    sta $2000,x
        lda $1100,x
        sta $0380           ; bit 0 drives the IRQ line (a hooked page)
        cli
        sei
back:   inx
        bne loop
        jmp start
        .org $0400
error:  pha                 ; mark each way out as taken
        lda #$80
        tsb $2102
        pla
        rts
skip:   lda #$80
        tsb $2103
        jmp back
        .org $0500
        .a8
irq:    pha
        lda #0
        sta $0380           ; the line drops
        pla
        rti
"""


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("is_native", [False, True])
def test_blocks_go_on_past_calls_a_branch_skips_and_stop_after_plp_and_cli(seed, is_native):
    """Checks the way test programs write them (`beq ok / jsr error / ok:`), PLP and CLI
    unmasking a held IRQ line inside blocks: compiled blocks and single steps agree."""
    from w65tool.asm import assemble_source

    source = CHECKS.replace("{keep}", "$30" if is_native else "$00")

    def prepare(cpu: CPU) -> None:
        cpu.bus.load(0xFFEE, bytes([0x00, 0x05]))  # native IRQ
        cpu.bus.load(0xFFFE, bytes([0x00, 0x05]))  # emulation IRQ/BRK
        if is_native:
            native(0x34)(cpu)

    ran, stepped = twins(source, prepare, data_seed=seed)
    run_then_step(ran, stepped, 60_000, random.Random(seed))
    assert state(ran) == state(stepped)
    assert ran.bus.ram[0x2102] and ran.bus.ram[0x2103]  # both ways out were taken
    ok1 = assemble_source(source).symbols["ok1"]  # right after `jsr error`

    def covers(pieces, address: int) -> bool:
        return any(start <= address < start + len(data) for start, data in pieces)

    # a block runs on past the call its branch skips
    assert any(covers(p, ok1 - 3) and covers(p, ok1) for p in ran._blocks._code.values())


def test_a_plp_that_changes_the_widths_ends_its_block():
    source = """
        .org $0200
        .a8
        .i8
loop:   sep #$30
        .a8
        lda #$00
        pha
        plp                 ; M and X become 16-bit: the rest of the block is decoded
        .a16                ; for 8 bits and must not run
        .i16
        lda #$1234
        ldx #$5678
        inc $1000
        jmp loop
"""
    ran, stepped = twins(source, native(0x34))
    run_then_step(ran, stepped, 5_000, None)
    assert state(ran) == state(stepped)
    assert compiled_blocks(ran) and ran.bus.ram[0x1000] | ran.bus.ram[0x1001] << 8 > 100


def test_code_that_patches_itself_on_every_pass_is_soon_left_uncompiled(monkeypatch):
    """A block written over each pass is dropped each pass: compiling it again each time
    would cost more than it saves, so its address must get hotter each time (backing off)."""
    from w65tool.cpu.blocks import BlockCache

    builds = []
    build = BlockCache._build

    def counted(self, t, k):
        builds.append(t)
        return build(self, t, k)

    monkeypatch.setattr(BlockCache, "_build", counted)
    machines = []
    for _ in range(2):
        bus = FlatBus()
        bus.load(0x0200, LOOP)
        cpu = CPU(bus)
        cpu.pc = 0x0200
        machines.append(cpu)
    ran, stepped = machines
    ran.run(400_000)  # about 20,000 passes, each rewriting the loop's first operand
    while stepped.cycles < ran.cycles:
        stepped.step()
    assert (ran.a, ran.pc, bytes(ran.bus.ram[:0x1100])) == (
        stepped.a,
        stepped.pc,
        bytes(stepped.bus.ram[:0x1100]),
    )
    assert builds.count(0x0200) <= 12  # not one build per pass


@pytest.mark.parametrize("passes", [200, 300])
def test_a_loop_compiles_once_it_has_run_as_often_as_shipped(passes):
    """With the shipped threshold (the suite lowers it, conftest.py), a loop runs one
    instruction at a time for its first 255 passes, and is compiled after them."""
    from conftest import SHIPPED_HOT

    loop = bytes([0xA2, passes & 0xFF, 0xA0, passes >> 8, 0xCA, 0xD0, 0xFD, 0x88, 0x10, 0xFA])
    # ldx #lo / ldy #hi / loop: dex / bne loop / dey / bpl loop (X wraps: 256 a round)
    bus = FlatBus()
    bus.load(0x0200, loop + bytes([0xDB]))  # stp
    cpu = CPU(bus)
    cpu._blocks.hot = SHIPPED_HOT
    cpu.pc = 0x0200
    cpu.run(1_000_000)
    assert cpu.stopped
    assert bool(compiled_blocks(cpu)) == (passes > SHIPPED_HOT)


@pytest.mark.parametrize("is_native", [False, True])
def test_tcd_and_pld_stay_inside_blocks_and_end_them_when_d_turns_zero_or_not(is_native):
    """D = 0 has handlers of its own (direct page = operand): a block goes on past a TCD or
    PLD that keeps D zero (or not), and stops after one that changes it."""
    source = """
        .org $0200
        .a8
        .i8
loop:   ldx $1000           ; $0200
        lda $1001
        xba
        txa
        tcd                 ; $0208: D = the word at $1000, zero once in 256 passes
        lda $10             ; direct page at D
        pea $0000
        pld                 ; $020E: D = 0 again
        sta $11             ; direct page 0
        inc $1000
        jmp loop
"""

    def prepare(cpu: CPU) -> None:
        if is_native:
            native(0x34)(cpu)
        for address in range(0x1000, 0x1002):
            cpu.bus.ram[address] = 0

    ran, stepped = twins(source, prepare)
    run_then_step(ran, stepped, 20_000, random.Random(is_native))
    assert state(ran) == state(stepped)
    assert compiled_blocks(ran)
    blocks = ran._blocks
    loop = 0x0200
    # the block from `loop` goes on past the TCD and the PLD (it leaves after the TCD on
    # the passes where D turns non-zero)
    assert any(
        start <= loop < start + len(data) and start + len(data) > 0x020E
        for pieces in blocks._code.values()
        for start, data in pieces
    )
