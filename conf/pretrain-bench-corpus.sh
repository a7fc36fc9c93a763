#!/usr/bin/env bash
# Writes the corpus of the pretrain-data benchmark (BENCHMARKS.md): N sentences (default 1,000,000) taken from the
# STS-B dev file, all of its sentences (columns 6 and 7) shuffled anew on every pass, one per line, with a blank
# line (a new document) after every 8 to 24 sentences. awk's rand() is seeded with 18, so the same awk writes the
# same corpus.
#
#   conf/pretrain-bench-corpus.sh ../shared/data/stsb/sts-dev.csv /tmp/pretrain-bench/corpus.txt [N]
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 STS-B-FILE OUTPUT-FILE [SENTENCES]" >&2
  exit 2
fi
source="$1"
output="$2"
sentences="${3:-1000000}"
mkdir -p "$(dirname "$output")"
awk -F'\t' -v n="$sentences" '
NF >= 7 { s[m++] = $6; s[m++] = $7 }
END {
  srand(18)
  written = 0; inDoc = 0; size = 8 + int(rand() * 17)
  while (written < n) {
    for (i = m - 1; i > 0; i--) { j = int(rand() * (i + 1)); t = s[i]; s[i] = s[j]; s[j] = t }
    for (i = 0; i < m && written < n; i++) {
      print s[i]; written++; inDoc++
      if (inDoc >= size) { print ""; inDoc = 0; size = 8 + int(rand() * 17) }
    }
  }
}' "$source" > "$output"
