#!/usr/bin/env bash
# Runs panagrad's whole JMH suite and the peers (PyTorch, NumPy/OpenBLAS) on this machine and
# prints one table. About 14 minutes on 2 cores (it prints its time at the end). The peers
# need Debian's python3-torch and libopenblas0-pthread (apt-get install python3-torch
# libopenblas0-pthread); without them the table shows only our figures and BENCHMARKS.md's.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
# Short warm-up for the kernels (two 1 s iterations: their scores settle from the second); the
# training steps get longer: C2 needs some 8 s of steps before a CNN step settles (31 ms after
# 3 s, 14 ms after 8 s). -prof gc gives their heap bytes per step (gc.alloc.rate.norm in
# target/jmh-training.json). GemmBench measures OpenBLAS beside us (bench/OpenBlas.java) when
# Debian's libopenblas0-pthread is installed; OPENBLAS_CORETYPE=Haswell would halve its speed.
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0
variants=""
[ -r "$openblas" ] || { variants="-p variant=panagrad"; echo "OpenBLAS not installed: GemmBench without its peer" >&2; }
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
  mvn -q -B -Pbench verify -Dbench="-f 1 -wi 2 -w 1 -i 4 -r 1 -e TrainingBench $variants -rf json -rff target/jmh-kernels.json ${*:-}"
mvn -q -B -Pbench verify -Dbench="TrainingBench -f 1 -wi 6 -w 2 -i 5 -r 1 -prof gc -rf json -rff target/jmh-training.json"
python3 -c 'import json, sys; print(json.dumps(sum((json.load(open(f)) for f in sys.argv[1:]), [])))' \
  target/jmh-kernels.json target/jmh-training.json > target/jmh.json
if /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  /usr/bin/python3 bench/peers.py target/peers.json
else
  echo '{}' > target/peers.json
  echo "peers skipped: python3-torch is not installed" >&2
fi
python3 bench/table.py target/jmh.json target/peers.json
echo "suite measured in $((SECONDS / 60)) min $((SECONDS % 60)) s" >&2
