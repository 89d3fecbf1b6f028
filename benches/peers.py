"""The peers benchmark's driver (run by benches/peers.sh): times each tool as a whole process,
best of N and median of N, checks that all token totals agree, and prints the table.

Each tool runs as its own process that prints one number, the file's token total without
special tokens: `tokencensus count -q --format json`, gigatoken's `encode_files` over a
`JsonlFileSource`, and tokenizers 1.0's `encode_batch` over the parsed `text` fields. Peak RSS
comes from the kernel's accounting of each finished child (wait4).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

GIGATOKEN = """
import sys, awkward, gigatoken
tokenizer = gigatoken.Tokenizer(sys.argv[1])
tokens = tokenizer.encode_files(gigatoken.JsonlFileSource([sys.argv[2]]))
print(int(awkward.sum(awkward.num(tokens, axis=1))) if len(tokens) else 0)
"""

TOKENIZERS = """
import json, sys
from tokenizers import Tokenizer
tokenizer = Tokenizer.from_file(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    texts = [json.loads(line)["text"] for line in f if line.strip()]
encodings = tokenizer.encode_batch(texts, add_special_tokens=False, padding=None, truncation=None)
print(sum(len(e) for e in encodings))
"""


def run_once(argv, parse):
    """Runs argv to its end; returns (seconds, peak RSS in MB, token total)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.stdout.read(), child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0,):
        sys.exit(f"{argv[:3]} failed ({child.returncode}): {err.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, parse(out)


def ours_total(out):
    return json.loads(out)["totals"]["tokens"]


def cell(tools, runs):
    """Times each tool `runs` times, interleaved; returns {tool: (best, median, rss, total)}."""
    samples = {name: [] for name in tools}
    for _ in range(runs):
        for name, (argv, parse) in tools.items():
            samples[name].append(run_once(argv, parse))
    result = {}
    for name, got in samples.items():
        totals = {t for _, _, t in got}
        if len(totals) != 1:
            sys.exit(f"{name} gave different totals across runs: {totals}")
        times = [s for s, _, _ in got]
        result[name] = (min(times), statistics.median(times), max(r for _, r, _ in got), totals.pop())
    return result


def tools_for(args, tokenizer_json, data):
    tools = {"tokencensus": ([args.bin, "count", "-q", "--format", "json", "--tokenizer",
                              tokenizer_json, data], ours_total)}
    if not args.only_ours:
        tools["gigatoken"] = ([sys.executable, "-c", GIGATOKEN, tokenizer_json, data], int)
        tools["tokenizers-1.0"] = ([sys.executable, "-c", TOKENIZERS, tokenizer_json, data], int)
    return tools


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--tokenizers", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only-ours", type=int, default=0)
    parser.add_argument("lists", nargs="*")
    args = parser.parse_args()
    split = args.lists.index("--")
    names, files = args.lists[:split], args.lists[split + 1:]
    names = [n for n in names if n != "--"]

    print(f"# whole process, best and median of {args.runs}, seconds; ratios of best times "
          "(peer / tokencensus: above 1 means tokencensus is faster)")
    header = "| tokenizer / file | MB | tokens | tokencensus best (median) | peak RSS MB |"
    if not args.only_ours:
        header += " gigatoken | tokenizers 1.0 | vs gigatoken | vs tokenizers |"
    print(header)
    print("|---" + "|---:" * (header.count("|") - 2) + "|")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.jsonl")
        open(empty, "w").close()
        startup = {}
        for name in names:
            tokenizer_json = os.path.join(args.tokenizers, f"{name}.tokenizer.json")
            startup[name] = cell(tools_for(args, tokenizer_json, empty), args.runs)
            for file in files:
                data = os.path.join(args.corpus, f"{file}.jsonl")
                got = cell(tools_for(args, tokenizer_json, data), args.runs)
                totals = {tool: t for tool, (_, _, _, t) in got.items()}
                ours = got["tokencensus"]
                mb = os.path.getsize(data) / 1e6
                row = (f"| {name} / {file} | {mb:.1f} | {ours[3]:,} | {ours[0]:.2f} ({ours[1]:.2f}) "
                       f"| {ours[2]:.0f} |")
                if not args.only_ours:
                    giga, hf = got["gigatoken"], got["tokenizers-1.0"]
                    row += (f" {giga[0]:.2f} ({giga[1]:.2f}) | {hf[0]:.2f} ({hf[1]:.2f}) "
                            f"| {giga[0] / ours[0]:.2f}x | {hf[0] / ours[0]:.2f}x |")
                if len(set(totals.values())) != 1:
                    row += f" TOTALS DIFFER: {totals}"
                    failed = True
                print(row, flush=True)
        print()
        print("# start-up: an empty JSONL file, best (median) of", args.runs, "runs, milliseconds")
        print("| tokenizer | " + " | ".join(startup[names[0]]) + " |")
        print("|---|" + "---:|" * len(startup[names[0]]))
        for name in names:
            cells = " | ".join(f"{b * 1e3:.0f} ({m * 1e3:.0f})" for b, m, _, _ in startup[name].values())
            print(f"| {name} | {cells} |")
    if failed:
        sys.exit("token totals differ between tools")


if __name__ == "__main__":
    main()
