#!/usr/bin/env bash
# Installs a Spark binary distribution into a folder after checking its SHA-512 (used by the Dockerfiles;
# runs on any host with bash, curl, sha512sum and tar).
#
#   docker/install-spark.sh VERSION DEST [SHA512]
#
# The tarball is spark-VERSION-bin-hadoop3.tgz from $SPARK_MIRROR (default: the Apache archive). With
# SHA512 given, the tarball must have exactly that hash (pin it for reproducible images); without it, the
# hash is checked against the .sha512 file published next to the tarball (catches corrupt or truncated
# downloads, not a compromised mirror). Any mismatch stops with an error naming both hashes.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: install-spark.sh VERSION DEST [SHA512]" >&2; exit 2; }
VERSION="$1" DEST="$2" PINNED="${3:-}"
MIRROR="${SPARK_MIRROR:-https://archive.apache.org/dist/spark}"
NAME="spark-$VERSION-bin-hadoop3"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

curl -fsSL --retry 3 -o "$TMP/$NAME.tgz" "$MIRROR/spark-$VERSION/$NAME.tgz"
if [[ -n "$PINNED" ]]; then
  expected="$PINNED"
else
  curl -fsSL --retry 3 -o "$TMP/$NAME.tgz.sha512" "$MIRROR/spark-$VERSION/$NAME.tgz.sha512"
  # Both published formats: "HASH  NAME" (sha512sum) and "NAME: HASH IN GROUPS" (gpg --print-md).
  expected="$(sed 's/^[^:]*: //' "$TMP/$NAME.tgz.sha512" | grep -oE '[0-9A-Fa-f]{4,}' | tr -d '\n')"
fi
expected="$(tr 'A-F' 'a-f' <<<"$expected")"
actual="$(sha512sum "$TMP/$NAME.tgz" | cut -d' ' -f1)"
if [[ ${#expected} -ne 128 || "$actual" != "$expected" ]]; then
  echo "install-spark: SHA-512 mismatch for $NAME.tgz: expected '$expected', got '$actual'" >&2
  exit 1
fi
mkdir -p "$DEST"
tar -xzf "$TMP/$NAME.tgz" -C "$DEST" --strip-components 1
echo "install-spark: $NAME (sha512 $actual) in $DEST" >&2
