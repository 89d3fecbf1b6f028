#!/usr/bin/env bash
# Submits the token census of a corpus to Slurm: a job array with one shard per task, then
# the merge, which starts only when every task has succeeded (--dependency=afterok).
#
#   CORPUS=/data/corpus SHARDS=64 WORKDIR=/shared/census examples/slurm/submit.sh
#   MANIFEST=/data/sources.toml SHARDS=64 TOKENIZER=/models/tokenizer.json WORKDIR=... examples/slurm/submit.sh
#
# See README.md for every variable. Prints ARRAY_JOB=<id> and MERGE_JOB=<id>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

: "${SHARDS:=16}"
: "${WORKDIR:=$PWD/tokencensus-run}"
: "${TOKENCENSUS:=tokencensus}"
: "${CPUS_PER_TASK:=4}"
if [[ -z ${CORPUS:-} && -z ${MANIFEST:-} ]]; then
    echo "submit.sh: set CORPUS (files or folders) and/or MANIFEST (a sources.toml)" >&2
    exit 2
fi
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || {
    echo "submit.sh: SHARDS must be a positive integer, not '$SHARDS'" >&2
    exit 2
}

# Paths are handed to jobs that may start in another directory on another node.
abs() { realpath -m -- "$1"; }
WORKDIR=$(abs "$WORKDIR")
[[ -n ${MANIFEST:-} ]] && MANIFEST=$(abs "$MANIFEST")
[[ -n ${TOKENIZER:-} ]] && TOKENIZER=$(abs "$TOKENIZER")
if [[ -n ${CORPUS:-} ]]; then
    read -ra corpus <<<"$CORPUS"
    CORPUS=""
    for p in "${corpus[@]}"; do CORPUS+="${CORPUS:+ }$(abs "$p")"; done
fi
[[ $TOKENCENSUS == */* ]] && TOKENCENSUS=$(abs "$TOKENCENSUS")
export SHARDS WORKDIR TOKENCENSUS CORPUS MANIFEST TOKENIZER

mkdir -p "$WORKDIR/parts" "$WORKDIR/checkpoints" "$WORKDIR/logs"

# Extra sbatch options for both jobs (partition, account, time limit...), word-split.
read -ra extra <<<"${SBATCH_ARGS:-}"

array=0-$((SHARDS - 1))${MAX_PARALLEL:+%$MAX_PARALLEL}
array_job=$(sbatch --parsable "${extra[@]}" \
    --array="$array" \
    --cpus-per-task="$CPUS_PER_TASK" \
    --chdir="$WORKDIR" \
    --output="$WORKDIR/logs/count-%A_%a.log" \
    --export=ALL \
    "$here/count-array.sbatch")
array_job=${array_job%%;*} # --parsable prints "id;cluster" on multi-cluster setups

merge_job=$(sbatch --parsable "${extra[@]}" \
    --dependency="afterok:$array_job" \
    --kill-on-invalid-dep=yes \
    --cpus-per-task=1 \
    --chdir="$WORKDIR" \
    --output="$WORKDIR/logs/merge-%j.log" \
    --export=ALL \
    "$here/merge.sbatch")
merge_job=${merge_job%%;*}

echo "ARRAY_JOB=$array_job"
echo "MERGE_JOB=$merge_job"
echo "submit.sh: $SHARDS shards in job $array_job, merge in job $merge_job; report: $WORKDIR/report.json" >&2
