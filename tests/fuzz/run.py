"""Run one fuzz target: ``python tests/fuzz/run.py TARGET SECONDS WORKDIR``.

With atheris (the dev extra installs it) the run is coverage-guided: the SDK is instrumented,
the checked-in seeds in tests/fuzz/corpus/TARGET are read first, new inputs go to
WORKDIR/corpus and a crashing input to WORKDIR/crash-*. Without atheris (a platform it does
not support) the same target runs over random mutations of the seeds for the same time, and
the first line says so. Exit status 0: no crash; anything else: the input is in WORKDIR.
"""

from __future__ import annotations

import os
import random
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _mutate(rng: random.Random, seed: bytes, max_len: int) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        choice = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if choice == 0 and data:  # flip a bit
            at = min(at, len(data) - 1)
            data[at] ^= 1 << rng.randrange(8)
        elif choice == 1:  # insert random bytes
            data[at:at] = rng.randbytes(rng.randint(1, 8))
        elif choice == 2 and data:  # delete a run
            del data[at : at + rng.randint(1, 16)]
        elif choice == 3 and data:  # an interesting byte
            data[min(at, len(data) - 1)] = rng.choice(b"\x00\x01\x7f\x80\xff<>\"'=;%[]:/.")
        elif choice == 4 and data:  # duplicate a run
            start = rng.randrange(len(data))
            data[at:at] = data[start : start + rng.randint(1, 64)]
        elif choice == 5 and data:  # a 32-bit boundary value at a random place
            value = rng.choice((0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF))
            data[at : at + 4] = value.to_bytes(4, "little")
    return bytes(data[:max_len])


def _random_engine(name: str, seconds: float, work: Path) -> int:
    from targets import CORPUS, TARGETS

    target = TARGETS[name]
    seeds = [p.read_bytes() for p in sorted((CORPUS / name).iterdir())] or [b""]
    rng = random.Random(1)
    deadline = time.monotonic() + seconds
    runs = 0
    print(f"engine: random mutation (atheris is not installed) for {name}", flush=True)
    while time.monotonic() < deadline:
        data = (
            seeds[runs % len(seeds)]
            if runs < len(seeds)
            else _mutate(rng, rng.choice(seeds), target.max_len)
        )
        runs += 1
        try:
            target.run(data)
        except Exception:
            crash = work / f"crash-random-{runs}"
            crash.write_bytes(data)
            traceback.print_exc()
            print(f"crash input written to {crash}", flush=True)
            return 1
    print(f"stat::number_of_executed_units: {runs}", file=sys.stderr, flush=True)
    return 0


def main() -> int:
    name, seconds, work = sys.argv[1], float(sys.argv[2]), Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    try:
        import atheris
    except ImportError:
        return _random_engine(name, seconds, work)
    with atheris.instrument_imports(include=["linkscreen"]):
        from targets import CORPUS, TARGETS
    target = TARGETS[name]
    (work / "corpus").mkdir(exist_ok=True)
    args = [
        sys.argv[0],
        f"-max_total_time={max(1, round(seconds))}",
        f"-max_len={target.max_len}",
        "-timeout=5",  # seconds for one input: far above any parser's linear cost here
        "-rss_limit_mb=2048",
        "-seed=1",
        "-print_final_stats=1",
        f"-artifact_prefix={work}{os.sep}",
        str(work / "corpus"),  # new inputs go here, never into the checked-in seeds
        str(CORPUS / name),
    ]
    if target.words:
        dictionary = work / "words.dict"
        lines = ('"' + "".join(f"\\x{byte:02x}" for byte in word) + '"' for word in target.words)
        dictionary.write_text("\n".join(lines) + "\n")
        args.insert(1, f"-dict={dictionary}")
    print(f"engine: atheris {getattr(atheris, '__version__', '')} for {name}", flush=True)
    atheris.Setup(args, target.run)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
