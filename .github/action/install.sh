#!/usr/bin/env bash
# Installs the released `incident` binary of the action's own version, for
# the runner's platform, and verifies it against the release's SHA256SUMS.
# Used by action.yml before it falls back to building from source.
#
#   ACTION_REF      the ref in `uses: incidentkit/incidentkit@REF`
#                   (github.action_ref). A release tag (v1.2.3) is that
#                   release; a major tag (v1) is the version in the action's
#                   Cargo.toml; anything else (a branch, a commit) has no
#                   release: installed=false, and the action builds from source.
#   ACTION_PATH     the action's folder (for Cargo.toml); default: this repo
#   ACTION_REPOSITORY  owner/name of the action (github.action_repository)
#   RUNNER_OS, RUNNER_ARCH  set by GitHub Actions (Linux/macOS/Windows, X64/ARM64)
#   INCIDENTKIT_DOWNLOAD_BASE  where the release files are (default: the
#                   repository's GitHub release of that tag); any URL curl
#                   reads, file:// included (the tests use that)
#   DEST            where to put the binary (default: $HOME/.cargo/bin)
#   GITHUB_OUTPUT   receives installed=true|false
#
# Exit status: 0 when installed or when there is no release (fall back);
# 1 when a release exists but its checksum does not match (never fall back
# silently on a tampered or broken download).
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
action_path=${ACTION_PATH:-$here}
ref=${ACTION_REF:-}
output_file=${GITHUB_OUTPUT:-/dev/null}
dest=${DEST:-$HOME/.cargo/bin}

fallback() {
  echo "::notice title=incidentkit::$1; building incident from source (this takes minutes)"
  echo "installed=false" >>"$output_file"
  exit 0
}

# The release tag of this version, if the ref names one.
if [[ $ref =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  tag=$ref
elif [[ $ref =~ ^v[0-9]+(\.[0-9]+)?$ ]]; then
  version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$action_path/Cargo.toml" | head -n 1)
  [[ -n $version ]] || fallback "no version in $action_path/Cargo.toml"
  tag="v$version"
else
  fallback "the action runs at '${ref:-an unknown ref}', which is not a release tag"
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) fallback "no release build for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}" ;;
esac
exe=incident
[[ $target == *windows* ]] && exe=incident.exe

archive="incident-$tag-$target.tar.gz"
base=${INCIDENTKIT_DOWNLOAD_BASE:-https://github.com/${ACTION_REPOSITORY:-incidentkit/incidentkit}/releases/download/$tag}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {
  curl --fail --silent --show-error --location --retry 3 --retry-delay 2 \
    --connect-timeout 10 --max-time 120 --output "$work/$1" "$base/$1" 2>"$work/curl.log"
}
fetch "$archive" || fallback "no release archive $archive at $base ($(tr -d '\n' <"$work/curl.log"))"
fetch SHA256SUMS || fallback "the release $tag has no SHA256SUMS at $base"

expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
if command -v sha256sum >/dev/null; then
  actual=$(sha256sum "$work/$archive" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$work/$archive" | cut -d' ' -f1)
fi
if [[ -z $expected ]]; then
  echo "::error title=incidentkit::SHA256SUMS of $tag does not list $archive; refusing to install an unverified binary"
  exit 1
fi
if [[ $expected != "$actual" ]]; then
  echo "::error title=incidentkit::checksum mismatch for $archive (expected $expected, got $actual): the download is corrupt or was tampered with; nothing was installed"
  exit 1
fi

tar -xzf "$work/$archive" -C "$work" "$exe"
mkdir -p "$dest"
install -m 0755 "$work/$exe" "$dest/$exe"
echo "installed incident $tag ($target) into $dest, SHA-256 $actual"
echo "installed=true" >>"$output_file"
