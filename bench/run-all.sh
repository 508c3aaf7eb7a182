#!/usr/bin/env bash
# Runs panagrad's whole JMH suite and the peers (PyTorch, NumPy/OpenBLAS) on this machine and
# prints one table. About 12 minutes on 2 cores. The peers need Debian's python3-torch and
# libopenblas0-pthread (apt-get install python3-torch libopenblas0-pthread); without them the
# table shows only our figures and BENCHMARKS.md's.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
mvn -q -B -Pbench verify -Dbench="-f 1 -wi 3 -w 1 -i 5 -r 1 -rf json -rff target/jmh.json ${*:-}"
if /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  /usr/bin/python3 bench/peers.py target/peers.json
else
  echo '{}' > target/peers.json
  echo "peers skipped: python3-torch is not installed" >&2
fi
python3 bench/table.py target/jmh.json target/peers.json
