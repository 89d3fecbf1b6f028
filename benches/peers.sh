#!/usr/bin/env bash
# The peers benchmark: tokencensus against gigatoken 0.10 and Hugging Face tokenizers 1.0rc,
# whole process each (start-up, loading, reading and counting), best of 3, all totals checked.
#
#   usage: benches/peers.sh [CORPUS_DIR]
#
# CORPUS_DIR (default target/peers/corpus) holds linux-doc.jsonl and man.jsonl; when they are
# missing it is made with ../shared/corpus/make-sample-corpus.sh. The peers are installed into a
# private virtual environment, target/peers/venv (never committed). Settings:
#   PEERS_TOKENIZERS  names under fixtures/tokenizers (default: llama3 gpt4o qwen3 gemma3)
#   PEERS_FILES       corpus files without .jsonl (default: linux-doc man)
#   PEERS_RUNS        runs per cell (default 3)
#   PEERS_ONLY_OURS=1 time tokencensus alone (for quick before/after comparisons)
#   TOKENCENSUS_BIN   the binary to time (default: target/release/tokencensus, built here)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work="$repo/target/peers"
corpus=${1:-$work/corpus}
mkdir -p "$work"

if [[ -z "${TOKENCENSUS_BIN:-}" ]]; then
  (cd "$repo" && cargo build --release --quiet)
  TOKENCENSUS_BIN="$repo/target/release/tokencensus"
fi

venv="$work/venv"
if [[ "${PEERS_ONLY_OURS:-0}" != 1 ]] && ! "$venv/bin/python" -c 'import gigatoken, tokenizers' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'gigatoken==0.10.*' 'tokenizers==1.0.0rc3'
fi

files=(${PEERS_FILES:-linux-doc man})
for f in "${files[@]}"; do
  if [[ ! -s "$corpus/$f.jsonl" ]]; then
    script="$repo/../shared/corpus/make-sample-corpus.sh"
    [[ -x "$script" || -f "$script" ]] || { echo "no $corpus/$f.jsonl and no $script to make it" >&2; exit 2; }
    bash "$script" "$corpus"
    break
  fi
done

# Every tool reads the same plain tokenizer.json.
mkdir -p "$work/tokenizers"
tokenizers=(${PEERS_TOKENIZERS:-llama3 gpt4o qwen3 gemma3})
for t in "${tokenizers[@]}"; do
  plain="$work/tokenizers/$t.tokenizer.json"
  [[ -s "$plain" ]] || zstd -q -d -f "$repo/fixtures/tokenizers/$t.tokenizer.json.zst" -o "$plain"
done

python=python3
[[ "${PEERS_ONLY_OURS:-0}" == 1 ]] || python="$venv/bin/python"
exec "$python" "$repo/benches/peers.py" --bin "$TOKENCENSUS_BIN" --corpus "$corpus" \
  --tokenizers "$work/tokenizers" --runs "${PEERS_RUNS:-3}" \
  --only-ours "${PEERS_ONLY_OURS:-0}" -- "${tokenizers[@]}" -- "${files[@]}"
