"""Speed of the Python package, printed as figures (docs/python.md, "Speed").

1. Throughput: ``Tokenizer.count_batch`` over the texts of a JSONL file (parsed beforehand)
   against the command line's counting throughput on the same file (``tokencensus count FILE
   --format json``: text bytes over the run's wall time, reading and parsing included).
2. Latency: ``Tokenizer.count`` on a 100-byte string against ``len(encoding.encode(s))`` of
   tiktoken and gigatoken's ``encode(s)``, all three with the same Llama 3 vocabulary (built from
   the vendored ``tokenizer.json``: no network).

    python bindings/python/bench.py /tmp/python-corpus/linux-doc.jsonl [--cli target/release/tokencensus]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
import timeit
from pathlib import Path

import tokencensus

REPO = Path(__file__).resolve().parents[2]
LLAMA3 = REPO / "fixtures" / "tokenizers" / "llama3.tokenizer.json.zst"
SHORT = "Training data, counted exactly: 15 trillion tokens of web text, source code and books (2024 edition)"


def median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def throughput(path: Path, cli: Path, repeat: int) -> None:
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)
    tok = tokencensus.Tokenizer()
    tok.count_batch(texts[:100])  # warm the pool
    ours = median_seconds(lambda: tok.count_batch(texts), repeat)
    cli_runs = []
    for _ in range(repeat):
        done = subprocess.run([str(cli), "count", str(path), "--format", "json"], capture_output=True, check=True)
        report = json.loads(done.stdout)
        assert report["totals"]["bytes"] == text_bytes
        cli_runs.append(report["run"]["elapsed_seconds"])
    theirs = statistics.median(cli_runs)
    threads = os.cpu_count()
    print(f"{path.name}: {len(texts):,} texts, {text_bytes / 1e6:.1f} MB, {threads} cores, median of {repeat}")
    print(f"  count_batch        {text_bytes / ours / 1e6:8.1f} MB/s  ({ours:.3f} s)")
    print(f"  tokencensus count  {text_bytes / theirs / 1e6:8.1f} MB/s  ({theirs:.3f} s, reading and parsing included)")
    print(f"  count_batch / CLI  {theirs / ours:8.2f}x")


def llama3_json() -> str:
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj().decompress(LLAMA3.read_bytes()).decode("utf-8")


def tiktoken_llama3(spec: dict):
    """A tiktoken Encoding with Llama 3's ranks and split pattern, from its tokenizer.json."""
    import tiktoken

    # GPT-2's byte-to-character table, inverted: vocabulary strings back to bytes.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in chars:
            chars[b] = chr(256 + extra)
            extra += 1
    to_byte = {c: b for b, c in chars.items()}
    ranks = {bytes(to_byte[c] for c in token): rank for token, rank in spec["model"]["vocab"].items()}
    split = next(p for p in spec["pre_tokenizer"]["pretokenizers"] if p["type"] == "Split")
    return tiktoken.Encoding("llama3", pat_str=split["pattern"]["Regex"], mergeable_ranks=ranks, special_tokens={})


def latency(repeat: int) -> None:
    import gigatoken

    text = SHORT
    assert len(text.encode("utf-8")) == 100
    spec_text = llama3_json()
    spec = json.loads(spec_text)
    ours = tokencensus.Tokenizer()
    enc = tiktoken_llama3(spec)
    giga = gigatoken.Tokenizer.from_json(spec_text)
    counts = {"tokencensus": ours.count(text), "tiktoken": len(enc.encode(text)), "gigatoken": len(giga.encode(text))}
    assert len(set(counts.values())) == 1, counts
    number = 20_000
    contenders = {
        "tokencensus Tokenizer.count": lambda: ours.count(text),
        "tiktoken len(encode)": lambda: len(enc.encode(text)),
        "gigatoken encode": lambda: giga.encode(text),
    }
    print(f"{len(text.encode('utf-8'))}-byte string, {counts['tokencensus']} tokens, best of {repeat} x {number:,} calls")
    for name, run in contenders.items():
        best = min(timeit.repeat(run, number=number, repeat=repeat)) / number
        print(f"  {name:28} {best * 1e6:7.2f} µs per call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jsonl", type=Path, help="a JSONL file with a text field (linux-doc.jsonl)")
    parser.add_argument("--cli", type=Path, default=REPO / "target" / "release" / "tokencensus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    throughput(args.jsonl, args.cli, args.repeat)
    latency(args.repeat)


if __name__ == "__main__":
    main()
