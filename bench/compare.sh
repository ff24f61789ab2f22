#!/usr/bin/env bash
# Side-by-side benchmark of `incident validate` against the validators people
# use today, the read+parse floor, `validate --changed-since`, the commands on
# one incident (show, update, declare, decide, resolve, render), `list`, and `build`
# and `validate` on smaller repositories too (build time and peak memory as
# the repository grows).
# Builds release, generates the corpus, installs the peers when missing, runs
# every tool in the same rounds (alternating), prints the table of medians
# and writes it into docs/performance.md between the bench markers.
#
#   bench/compare.sh [--incidents N] [--runs R] [--peer-runs P] [--seed S] [--scales "1000 2000"]
#
# Everything it downloads or generates goes to bench/.work (git-ignored).
set -euo pipefail

INCIDENTS=10000
RUNS=5
PEER_RUNS=3
SEED=42
# Smaller repositories, from the same generator: build must stay fast and
# memory flat as a repository grows.
SCALES="1000 2000"
while [ $# -gt 0 ]; do
  case "$1" in
    --incidents) INCIDENTS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --peer-runs) PEER_RUNS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --scales) SCALES=$2; shift 2 ;;
    *) echo "usage: $0 [--incidents N] [--runs R] [--peer-runs P] [--seed S] [--scales \"N M\"]" >&2; exit 2 ;;
  esac
done
[ "$PEER_RUNS" -le "$RUNS" ] || { echo "--peer-runs must not exceed --runs" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/.work
mkdir -p "$WORK"
cd "$ROOT"
say() { echo "== $*" >&2; }

# --- tools -----------------------------------------------------------------
need_apt() {
  local missing=()
  command -v git >/dev/null || missing+=(git)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v python3 >/dev/null || missing+=(python3 python3-venv)
  command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
need_apt
CJS=$WORK/venv/bin/check-jsonschema
if [ ! -x "$CJS" ]; then
  say "installing check-jsonschema (pip, into bench/.work/venv)"
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q check-jsonschema
fi
AJV=$WORK/node/node_modules/.bin/ajv
if [ ! -x "$AJV" ]; then
  say "installing ajv-cli and ajv-formats (npm, into bench/.work/node)"
  npm install --silent --prefix "$WORK/node" ajv-cli@5 ajv-formats@3 >/dev/null
fi

say "building release"
cargo build --release --locked --bin incident --example gen_corpus --example parse_floor --example stat_floor
BIN=$ROOT/target/release
INCIDENT=$BIN/incident

# --- corpus ----------------------------------------------------------------
corpus() { # N: generates (once) and commits the corpus of N incidents
  local dir=$WORK/corpus-$1-$SEED
  if [ ! -d "$dir/.git" ]; then
    rm -rf "$dir"
    say "generating $1 incidents (seed $SEED)"
    "$BIN/examples/gen_corpus" "$dir" --incidents "$1" --seed "$SEED" >&2
    git -C "$dir" init -q
    git -C "$dir" add -A
    git -C "$dir" -c user.name=bench -c user.email=bench@localhost commit -qm corpus
  fi
  git -C "$dir" checkout -q -- .
  echo "$dir"
}
CORPUS=$(corpus "$INCIDENTS")
for n in $SCALES; do
  "$INCIDENT" validate -C "$(corpus "$n")" >/dev/null || { echo "the $n-incident corpus does not validate cleanly" >&2; exit 1; }
done
FILES=$(find "$CORPUS/incidents" -name '*.yaml' | wc -l)
FILES=$((FILES + 1))
BYTES=$(find "$CORPUS" -path "$CORPUS/.git" -prune -o -name '*.yaml' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
say "corpus: $FILES files, $((BYTES / 1024 / 1024)) MiB"
"$INCIDENT" validate -C "$CORPUS" >/dev/null || { echo "the corpus does not validate cleanly" >&2; exit 1; }

# The one-file change: a new title for the incident in the middle.
CHANGED=$(find "$CORPUS/incidents" -mindepth 1 -maxdepth 1 -type d | sort | sed -n "$((INCIDENTS / 2))p")/incident.yaml
change_one_file() { sed -i 's/^title: \(.*\)$/title: \1 (updated)/' "$CHANGED"; }
change_one_file
"$INCIDENT" validate -C "$CORPUS" --changed-since HEAD >/dev/null || { echo "the one-file change does not validate" >&2; exit 1; }
git -C "$CORPUS" checkout -q -- .
# The incident the one-incident commands work on, and a component to declare on.
ONE=$(basename "$(dirname "$CHANGED")")
COMPONENT=$(awk '/^components:/ { c = 1 } c && /- id:/ { print $3; exit }' "$CORPUS/incidentkit.yaml")
# Undoes what a command wrote: the corpus is as committed before each run.
reset_corpus() { git -C "$CORPUS" checkout -q -- . && git -C "$CORPUS" clean -fdq -- incidents; }

# --- the tools, as shell functions run from the corpus root -----------------
kinds() { # KIND SCHEMA FILE-PATTERN (relative to the corpus)
  printf '%s\n' "config schemas/config.schema.json incidentkit.yaml" \
    "incident schemas/incident.schema.json incidents/*/incident.yaml" \
    "update schemas/update.schema.json incidents/*/updates/*.yaml" \
    "postmortem schemas/postmortem.schema.json incidents/*/postmortem.yaml"
}
run_validate() { "$INCIDENT" validate -C "$CORPUS"; }
run_floor() { "$BIN/examples/parse_floor" "$CORPUS"; }
# What a scan that reads every folder pays: every folder listed, every file
# stat'ed (list warm and changed-since read only the folders changed since
# their last run, and stat the rest).
run_statfloor() { "$BIN/examples/stat_floor" "$CORPUS"; }
# What a first list in a clone cannot do without: every file read whole.
run_readfloor() { "$BIN/examples/stat_floor" --read "$CORPUS"; }
run_changed() { change_one_file && "$INCIDENT" validate -C "$CORPUS" --changed-since HEAD; }
# For scale: the working-tree status --changed-since needs from libgit2.
run_gitstatus() { change_one_file && git -C "$CORPUS" status --porcelain --untracked-files=all; }
# Into the same folder every round: each build writes its pages over the
# site the build before it replaced, and takes the incidents whose files did
# not change from what the build before it kept (both in the corpus's
# .git/incidentkit). The one incident the commands above changed is read
# again, as after a merge.
run_build() { "$INCIDENT" build -C "$CORPUS" --out "$WORK/site"; }
# The second build in a clone: nothing kept yet, the folder a first build
# made is there, so this one records every incident.
KEPT=$CORPUS/.git/incidentkit/check-cache
prepare_buildrecord() { rm -rf "$WORK/kept-aside" && mv "$KEPT" "$WORK/kept-aside" && mkdir "$KEPT"; }
run_buildrecord() { "$INCIDENT" build -C "$CORPUS" --out "$WORK/site"; }
finish_buildrecord() { rm -rf "$KEPT" && mv "$WORK/kept-aside" "$KEPT"; }
# A first build, as in a fresh clone: no earlier site, nothing kept.
prepare_buildfirst() {
  rm -rf "$WORK/site-first" "$CORPUS"/.git/incidentkit/previous-*site-first
  rm -rf "$WORK/kept-aside" && mv "$KEPT" "$WORK/kept-aside"
}
run_buildfirst() { "$INCIDENT" build -C "$CORPUS" --out "$WORK/site-first"; }
finish_buildfirst() { finish_buildrecord; }
run_show() { "$INCIDENT" show -C "$CORPUS" "$ONE"; }
run_render() { "$INCIDENT" render -C "$CORPUS" update "$ONE"; }
run_update() { "$INCIDENT" update -C "$CORPUS" "$ONE" --reopen --message "We are looking into reports of errors again."; }
run_declare() { "$INCIDENT" declare -C "$CORPUS" --title "Logins fail for some customers" --severity sev3 --component "$COMPONENT"; }
run_list() { "$INCIDENT" list -C "$CORPUS"; }
# list keeps what it read in .git/incidentkit/: cold is a first run in a
# fresh clone, warm (run_list, right after) is every run after that.
run_listcold() { rm -f "$CORPUS/.git/incidentkit/list-cache.json" "$CORPUS/.git/incidentkit/listings" && "$INCIDENT" list -C "$CORPUS"; }
# The corpus's incidents are all resolved: decide and resolve work on the
# one incident reopened, outside the timing (prepare_*).
prepare_decide() { "$INCIDENT" update -C "$CORPUS" "$ONE" --reopen --message "We are looking into reports of errors again." >/dev/null 2>&1; }
prepare_resolve() { prepare_decide; }
run_decide() { "$INCIDENT" decide -C "$CORPUS" "$ONE" --option "A: roll back" --option "B: patch forward" --chosen A --why "Restores service fastest"; }
run_resolve() { "$INCIDENT" resolve -C "$CORPUS" "$ONE" --message "Everything works again."; }
# validate and build on the smaller corpora: run_validate_1000, run_build_2000, …
for n in $SCALES; do
  eval "run_validate_$n() { \"\$INCIDENT\" validate -C \"\$WORK/corpus-$n-\$SEED\"; }"
  eval "run_build_$n() { \"\$INCIDENT\" build -C \"\$WORK/corpus-$n-\$SEED\" --out \"\$WORK/site-$n\"; }"
done
# One process per file kind; ajv expands the glob itself.
run_ajv() {
  kinds | while read -r _ schema pattern; do
    (cd "$CORPUS" && "$AJV" validate --spec=draft2020 -c ajv-formats --allow-union-types --errors=line \
      -s "$ROOT/$schema" -d "$pattern") || return 1
  done
}
# One process per file kind, unless a kind has more paths than one command
# line holds: then xargs starts a few.
run_cjs() {
  kinds | while read -r _ schema pattern; do
    (cd "$CORPUS" && compgen -G "$pattern" | tr '\n' '\0' |
      xargs -0 "$CJS" --schemafile "$ROOT/$schema") || return 1
  done
}
SCALED=$(for n in $SCALES; do printf 'validate_%s build_%s ' "$n" "$n"; done)
TOOLS="validate floor statfloor readfloor changed gitstatus show update declare decide resolve render listcold list build buildrecord buildfirst $SCALED ajv cjs"
export -f kinds change_one_file $(printf 'run_%s ' $TOOLS)
export -f prepare_decide prepare_resolve
export INCIDENT BIN CORPUS WORK ROOT AJV CJS CHANGED ONE COMPONENT SEED KEPT
export INCIDENT_AUTHOR=@bench

# --- timing ----------------------------------------------------------------
RESULTS=$WORK/results.tsv
: >"$RESULTS"
measure() { # TOOL ROUND
  local tool=$1 start end rss
  if declare -F "prepare_$tool" >/dev/null; then "prepare_$tool"; sleep 1; fi
  start=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$WORK/rss" bash -c "run_$tool" >"$WORK/$tool.out" 2>&1; then
    echo "$tool failed; its output is in $WORK/$tool.out" >&2
    tail -5 "$WORK/$tool.out" >&2
    exit 1
  fi
  end=$(date +%s%N)
  read -r rss user sys < <(tail -1 "$WORK/rss")
  reset_corpus
  if declare -F "finish_$tool" >/dev/null; then "finish_$tool"; fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$2" "$(( (end - start) / 1000 ))" "$rss" "$(awk "BEGIN { print $user + $sys }")" >>"$RESULTS"
}

say "warm-up round (fills the page cache; not counted)"
for tool in $TOOLS; do case $tool in ajv | cjs) ;; *) measure "$tool" 0 ;; esac; done
# Builds keep what they parsed from the second build in a clone on: the
# timed builds are the ones after.
for tool in build $(for n in $SCALES; do printf 'build_%s ' "$n"; done); do measure "$tool" 0; done
: >"$RESULTS"
for round in $(seq 1 "$RUNS"); do
  say "round $round/$RUNS"
  for tool in $TOOLS; do
    case $tool in ajv | cjs) [ "$round" -le "$PEER_RUNS" ] || continue ;; esac
    measure "$tool" "$round"
  done
done
PAGES=$(find "$WORK/site" -name '*.html' | wc -l)
OUTPUTS=$(find "$WORK/site" -type f | wc -l)

# --- the table -------------------------------------------------------------
TABLE=$WORK/table.md
python3 - "$RESULTS" "$TABLE" <<EOF
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
t, rss, cpu = {}, {}, {}
for tool, _, us, kb, cpu_s in rows:
    t.setdefault(tool, []).append(int(us) / 1e6)
    rss.setdefault(tool, []).append(int(kb) / 1024)
    cpu.setdefault(tool, []).append(float(cpu_s))
med = {k: statistics.median(v) for k, v in t.items()}
mrss = {k: statistics.median(v) for k, v in rss.items()}
mcpu = {k: statistics.median(v) for k, v in cpu.items()}
v = med["validate"]
def ok(b): return "**met**" if b else "**not met**"
scales = [int(n) for n in "$SCALES".split()]
big = $INCIDENTS
label = {
    "validate": f"\`incident validate\` (schemas + all rules), {big:,} incidents",
    "floor": "read + parse floor (\`examples/parse_floor\`)",
    "statfloor": "list + stat floor (\`examples/stat_floor\`: every folder listed, every file stat'ed)",
    "readfloor": "list + read floor (\`examples/stat_floor --read\`: every folder listed, every file read)",
    "changed": "\`incident validate --changed-since HEAD\`, one file changed",
    "gitstatus": "for scale: \`git status --untracked-files=all\`, same change",
    "show": "\`incident show ID\`",
    "render": "\`incident render update ID\` (the stakeholder update)",
    "update": "\`incident update ID --reopen --message …\` (writes one update)",
    "declare": "\`incident declare --title … --severity sev3\` (writes two files)",
    "decide": "\`incident decide ID --option … --chosen A\` (writes one entry)",
    "resolve": "\`incident resolve ID --message …\` (writes one update)",
    "listcold": "\`incident list\`, first run in a clone (no cache yet)",
    "list": "\`incident list\`, any later run (cache of unchanged incidents)",
    "build": f"\`incident build\` (validate + whole site), {big:,} incidents, after the first two in a clone",
    "buildrecord": "\`incident build\`, second build in a clone (records every incident)",
    "buildfirst": "\`incident build\`, first build in a clone (no earlier site, nothing kept)",
    "ajv": "ajv-cli 5 \`--spec=draft2020\` + ajv-formats (schemas only)",
    "cjs": "check-jsonschema (schemas only)",
}
pct = lambda k: f"{100 * med[k] / v:.1f} % of validate"
ratio = {
    "validate": "1.00×",
    "floor": f"validate is {v / med['floor']:.2f}× the floor",
    "build": f"{$PAGES / med['build']:,.0f} pages/s",
    "buildrecord": f"{100 * med['buildrecord'] / med['build']:.1f} % of build",
    "buildfirst": f"{100 * med['buildfirst'] / med['build']:.1f} % of build",
    "ajv": f"validate is {med['ajv'] / v:.1f}× faster",
    "cjs": f"validate is {med['cjs'] / v:.1f}× faster",
}
for k in ["statfloor", "readfloor", "changed", "gitstatus", "show", "update", "declare", "decide", "resolve", "render", "listcold", "list"]:
    ratio[k] = pct(k)
for k in ["changed", "gitstatus", "list"]:
    ratio[k] += f"; {med[k] / med['statfloor']:.2f}× the stat floor"
ratio["listcold"] += f"; {med['listcold'] / med['readfloor']:.2f}× the read floor"
order = ["validate", "floor", "statfloor", "readfloor", "changed", "gitstatus", "show", "update", "declare", "decide", "resolve", "render", "listcold", "list", "build", "buildrecord", "buildfirst"]
for n in scales:
    label[f"validate_{n}"] = f"\`incident validate\`, {n:,} incidents"
    label[f"build_{n}"] = f"\`incident build\`, {n:,} incidents"
    ratio[f"validate_{n}"] = f"{100 * med[f'validate_{n}'] / v:.1f} % of validate at {big:,}"
    ratio[f"build_{n}"] = f"{100 * med[f'build_{n}'] / med['build']:.1f} % of build at {big:,}"
    order += [f"validate_{n}", f"build_{n}"]
order += ["ajv", "cjs"]
out = []
out.append(f"Corpus: $INCIDENTS incidents, $FILES YAML files, {$BYTES / 2**20:.0f} MiB (seed $SEED); "
           f"build wrote $OUTPUTS files, $PAGES of them HTML pages.\n")
out.append("| what | median wall time | median CPU time (user+sys) | runs | peak RSS | compared (wall) |")
out.append("|---|---:|---:|---:|---:|---|")
for k in order:
    out.append(f"| {label[k]} | {med[k]:.3f} s | {mcpu[k]:.2f} s | {len(t[k])} | {mrss[k]:.0f} MiB | {ratio[k]} |")
out.append("")
out.append("| target (issue 18) | measured | |")
out.append("|---|---|---|")
def cpu_ratio(a, b): return f"{mcpu[a] / mcpu[b]:.1f}×"
def share(k, limit, what=None, floor=None):
    what = what or f"\`{k}\`"
    # Where a floor (what the command cannot skip) is itself over the limit.
    below = f"; the {floor} floor alone is {100 * med[floor + 'floor'] / v:.1f} %" if floor else ""
    return (f"| {what} under {100 * limit:.0f} % of validate | {100 * med[k] / v:.1f} % "
            f"(CPU time {100 * mcpu[k] / mcpu['validate']:.1f} %){below} | {ok(med[k] / v < limit)} |")
for k in ["show", "update", "declare", "decide", "resolve", "render"]:
    out.append(share(k, 0.05))
out.append(share("list", 0.25, "\`list\` (cache warm)"))
out.append(share("listcold", 0.25, "\`list\` (first run, no cache)", "read"))
out.append(share("changed", 0.10, "\`validate --changed-since\` (one file)", "stat"))
out.append(f"| validate within 1.3× of the read+parse floor | {v / med['floor']:.2f}× (CPU time {mcpu['validate'] / mcpu['floor']:.2f}×) | {ok(v / med['floor'] <= 1.3)} |")
out.append(f"| validate ≥ 5× faster than ajv-cli | {med['ajv'] / v:.1f}× (CPU time {cpu_ratio('ajv', 'validate')}) | {ok(med['ajv'] / v >= 5)} |")
out.append(f"| validate ≥ 100× faster than check-jsonschema | {med['cjs'] / v:.1f}× (CPU time {cpu_ratio('cjs', 'validate')}) | {ok(med['cjs'] / v >= 100)} |")
def build_target(n, key):
    limit = 0.4 if n <= 2000 else 2.5
    rss_part = f", peak RSS under 200 MiB" if n > 2000 else ""
    fits = med[key] < limit and (n <= 2000 or mrss[key] < 200)
    return f"| build of {n:,} incidents under {limit} s{rss_part} | {med[key]:.2f} s, {mrss[key]:.0f} MiB | {ok(fits)} |"
for n in scales:
    if n == 2000:
        out.append(build_target(n, f"build_{n}"))
out.append(build_target(big, "build"))
if scales:
    small = min(scales)
    grow = big / small
    for k in ["build", "validate"]:
        a, b = mrss[f"{k}_{small}"], mrss[k]
        out.append(f"| memory flat as the repository grows: \`{k}\` peak RSS at {small:,} and {big:,} incidents "
                   f"| {a:.0f} MiB → {b:.0f} MiB ({b / a:.1f}× for {grow:.0f}× the incidents) | {ok(b / a < 2)} |")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF
{
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); $(date -u +%Y-%m-%d)."
  echo "Command: \`bench/compare.sh --incidents $INCIDENTS --runs $RUNS --peer-runs $PEER_RUNS --seed $SEED\`"
  echo
  cat "$TABLE"
} >"$TABLE.full"
cat "$TABLE.full"

DOC=$ROOT/docs/performance.md
if grep -q '<!-- bench:start -->' "$DOC" 2>/dev/null; then
  python3 - "$DOC" "$TABLE.full" <<'EOF'
import sys
doc, table = open(sys.argv[1]).read(), open(sys.argv[2]).read()
head, rest = doc.split("<!-- bench:start -->", 1)
_, tail = rest.split("<!-- bench:end -->", 1)
open(sys.argv[1], "w").write(f"{head}<!-- bench:start -->\n{table}<!-- bench:end -->{tail}")
EOF
  say "updated docs/performance.md"
fi
