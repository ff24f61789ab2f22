#!/bin/sh
# Runs every fuzz target for a fixed budget (default 300 s each), seeding the
# file targets with the example repository's files. Usage, from the repo root:
#   fuzz/run.sh [SECONDS_PER_TARGET]
# A crash stops its target and leaves the input in fuzz/artifacts/<target>/;
set -eu
budget=${1:-300}
cd "$(dirname "$0")"
mkdir -p corpus/config corpus/incident corpus/update corpus/postmortem corpus/render
cp ../examples/acme/incidentkit.yaml corpus/config/
for f in ../examples/acme/incidents/*/incident.yaml; do cp "$f" "corpus/incident/$(basename "$(dirname "$f")").yaml"; done
for f in ../examples/acme/incidents/*/updates/*.yaml; do cp "$f" "corpus/update/$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"; done
for f in ../examples/acme/incidents/*/postmortem.yaml; do cp "$f" "corpus/postmortem/$(basename "$(dirname "$f")").yaml"; done
for target in config incident update postmortem render; do
  echo "== $target: ${budget}s"
  # The stable toolchain with nightly features unlocked (no other toolchain
  # here); one rayon thread, as the fuzzer runs one input at a time.
  RAYON_NUM_THREADS=1 RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$budget" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    || echo "== $target: CRASH, input in fuzz/artifacts/$target/"
done
