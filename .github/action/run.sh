#!/usr/bin/env bash
# The body of the incidentkit action (action.yml): runs one `incident`
# command in the incident repository (the current folder).
#
# Every input arrives through the environment and is only ever used as data:
# nothing here is built by interpolating `${{ … }}` into a script, so a
# branch name or a pull-request title cannot inject shell code.
#
#   INPUT_COMMAND   validate | diff | build | list | actions | pr | notify
#   INPUT_ARGS      extra arguments, split as a shell would split them (quotes
#                   and backslashes work; nothing is expanded or executed)
#   INCIDENT_BIN    the binary (default: `incident` on PATH)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY   set by GitHub Actions (optional here)
#
# Outputs: `site` (build: absolute path of the built site folder),
# `overdue` (list: how many open incidents are past their promised update).
set -euo pipefail

incident=${INCIDENT_BIN:-incident}
command=${INPUT_COMMAND:-}
output_file=${GITHUB_OUTPUT:-/dev/null}
summary_file=${GITHUB_STEP_SUMMARY:-}

# A workflow command's message, escaped as the Actions toolkit escapes it.
escape_data() {
  local s=$1
  s=${s//'%'/%25}
  s=${s//$'\r'/%0D}
  s=${s//$'\n'/%0A}
  printf '%s' "$s"
}

fail() {
  echo "::error title=incidentkit::$(escape_data "$1")"
  exit 2
}

# Split INPUT_ARGS into words. xargs understands quotes and backslashes and
# runs only printf, so the text is never evaluated.
args=()
if [[ -n ${INPUT_ARGS:-} && -n ${INPUT_ARGS//[[:space:]]/} ]]; then
  words=$(mktemp)
  trap 'rm -f "$words"' EXIT
  if ! printf '%s\n' "$INPUT_ARGS" | xargs printf '%s\0' >"$words"; then
    fail "cannot split the args input (an unmatched quote?): $INPUT_ARGS"
  fi
  while IFS= read -r -d '' word; do
    args+=("$word")
  done <"$words"
fi

# The value of option NAME in args (`NAME VALUE` or `NAME=VALUE`), or nothing.
option_value() {
  local name=$1 i
  for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in
      "$name") printf '%s' "${args[i + 1]:-}"; return ;;
      "$name="*) printf '%s' "${args[i]#"$name="}"; return ;;
    esac
  done
}

# `-C DIR` (run as if started in DIR) is global: keep it for the commands
# this script adds.
dir=$(option_value -C)
global=()
if [[ -n $dir ]]; then
  global=(-C "$dir")
fi

# Appends what the change publishes (`incident diff --since REF --format md`)
# to the job summary, when there is one and a base to compare with.
summary_diff() {
  local since=$1 markdown
  if [[ -z $summary_file || -z $since ]]; then
    return 0
  fi
  markdown=$(mktemp)
  if "$incident" ${global[@]+"${global[@]}"} diff --since "$since" --format md >"$markdown"; then
    { cat "$markdown"; echo; } >>"$summary_file"
  else
    echo "::warning title=incidentkit::could not write \`incident diff --since $(escape_data "$since")\` to the job summary"
  fi
  rm -f "$markdown"
}

status=0
case $command in
  validate)
    "$incident" validate ${args[@]+"${args[@]}"} || status=$?
    # The summary says what the change would publish even when it has
    # findings: both help the reviewer.
    summary_diff "$(option_value --changed-since)"
    ;;
  diff)
    # The preview is a pull request's text: a line of it such as
    # `::error file=x::…` would be a workflow command. Between
    # `::stop-commands::TOKEN` and `::TOKEN::` the runner reads none; the
    # token is random, so the text cannot end the pause itself.
    token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    echo "::stop-commands::$token"
    "$incident" diff ${args[@]+"${args[@]}"} || status=$?
    echo "::$token::"
    if [[ $status -eq 0 ]]; then
      summary_diff "$(option_value --since)"
    fi
    ;;
  build)
    "$incident" build ${args[@]+"${args[@]}"}
    site=$(option_value --out)
    site=${site:-site}
    # Relative to where the command ran (-C DIR, like every path it takes).
    if [[ $site != /* ]]; then
      site=$(cd "${dir:-.}" && pwd)/$site
    fi
    echo "site=$site" >>"$output_file"
    ;;
  list)
    listing=$("$incident" list ${args[@]+"${args[@]}"}) || status=$?
    printf '%s\n' "$listing"
    overdue=0
    while IFS= read -r line; do
      # Human format flags "OVERDUE by …"; JSON gives "overdue_minutes": N.
      if [[ $line == *OVERDUE* ]]; then
        overdue=$((overdue + 1))
        echo "::warning title=overdue update::$(escape_data "$(tr -s ' ' <<<"$line")")"
      elif [[ $line =~ \"overdue_minutes\":\ ([0-9]+) ]]; then
        overdue=$((overdue + 1))
        echo "::warning title=overdue update::an open incident is ${BASH_REMATCH[1]} minutes past its promised update"
      fi
    done <<<"$listing"
    echo "overdue=$overdue" >>"$output_file"
    if [[ -n $summary_file ]]; then
      {
        echo "### \`incident list ${INPUT_ARGS:-}\`"
        echo
        if [[ $overdue -gt 0 ]]; then
          echo "**$overdue open incident(s) past their promised update.**"
          echo
        fi
        echo '```text'
        printf '%s\n' "$listing"
        echo '```'
      } >>"$summary_file"
    fi
    ;;
  actions | pr | notify)
    # `actions plan|apply|status`, `pr comment`: they talk to GitHub with
    # GITHUB_TOKEN; `notify` delivers stakeholder notices. What they print
    # also goes to the job summary.
    output=$("$incident" "$command" ${args[@]+"${args[@]}"}) || status=$?
    printf '%s\n' "$output"
    # `pr fast-lane`: a pull request left for review (exit 3) is an answer,
    # not a failed step; the `merged` output says which it was.
    if [[ $command == pr && ${args[0]:-} == fast-lane ]]; then
      case $status in
        0) echo "merged=true" >>"$output_file" ;;
        3) echo "merged=false" >>"$output_file"; status=0 ;;
      esac
    fi
    if [[ -n $summary_file ]]; then
      {
        echo "### \`incident $command ${INPUT_ARGS:-}\`"
        echo
        echo '```text'
        printf '%s\n' "$output"
        echo '```'
      } >>"$summary_file"
    fi
    ;;
  *)
    fail "unknown command '$command': use validate, diff, build, list, actions, pr or notify"
    ;;
esac
exit "$status"
