"""Prints one table from a JMH JSON result file and a peers.json from bench/peers.py: for each
row our figure, the peer measured in the same run, the peer figure of BENCHMARKS.md, and
the ratio (ours relative to the peer measured here; > 1 means we are better).

    python3 bench/table.py target/jmh.json target/peers.json
"""
import json, sys

MB_16M = (1 << 24) / 1e6  # million elements
OPTIM_PARAMS = 1 << 22  # OptimizerBench.N
OPTIM_BYTES = {"sgd-momentum": 20, "adam": 28, "adamw": 28}  # bytes moved per float32 parameter

# BENCHMARKS.md (a different machine: 2 vCPU AMD EPYC Zen 5): peer figures, keyed as in peers.py.
DOC = {
    "1": {"elementwise.add.new": 6.7, "elementwise.mul.new": 6.8, "elementwise.relu.new": 5.0, "elementwise.exp.new": 4.0,
          "elementwise.add.existing": 35.5, "reduce.sumAll": 1.39, "reduce.sumDim1": 1.43, "reduce.softmaxDim1.new": 37.9,
          "peak.fma": 273, "gemm.64": 186, "gemm.128": 205, "gemm.256": 233, "gemm.512": 238, "gemm.1024": 234, "gemm.2048": 233,
          "tape.1.forward": 2.31, "tape.1.backward": 1.94, "tape.16.forward": 2.28, "tape.16.backward": 1.96,
          "train.mlp-sgd-64": 1.35, "train.mlp-adam-64": 3.16, "train.mlp-sgd-256": 4.14, "train.mlp-adam-256": 5.84,
          "train.cnn-sgd-64": 9.97},
    "2": {"elementwise.add.new": 10.3, "elementwise.mul.new": 10.9, "elementwise.relu.new": 7.8, "elementwise.exp.new": 6.6,
          "elementwise.add.existing": 48.8, "reduce.sumAll": 1.46, "reduce.sumDim1": 1.10, "reduce.softmaxDim1.new": 21.7,
          "gemm.64": 186, "gemm.128": 185, "gemm.256": 305, "gemm.512": 368, "gemm.1024": 409, "gemm.2048": 446,
          "train.mlp-sgd-64": 1.26, "train.mlp-adam-64": 2.63, "train.mlp-sgd-256": 3.4, "train.mlp-adam-256": 4.39,
          "train.cnn-sgd-64": 8.31},
}


def rows(jmh):
    """(key, threads, unit, value, higher_is_better) for every JMH result we know how to read."""
    for r in jmh:
        name = r["benchmark"].rsplit(".", 2)
        cls, method = name[-2], name[-1]
        p = r.get("params", {})
        t = p.get("threads", "1")
        score = r["primaryMetric"]["score"]
        if cls == "UnaryMathBench":
            yield f"elementwise.{p.get('op')}.new", t, "GB/s", 8 * MB_16M / score, True
        elif cls == "ElementwiseBench":
            op = method.replace("New", "").replace("Inplace", "")
            bytes_ = 12 if op in ("add", "mul") else 8
            kind = "existing" if method.endswith("Inplace") else "new"
            yield f"elementwise.{op}.{kind}", t, "GB/s", bytes_ * MB_16M / score, True
        elif cls == "ReductionBench":
            yield f"reduce.{method}" + (".new" if method in ("softmaxDim1", "logSoftmaxDim1") else ""), t, "ms", score, False
        elif cls == "FusedBench":
            yield f"fused.{method}.{p.get('impl', 'op')}", t, "us", score, False
        elif cls in ("GemmBench", "GemmFloat64Bench") and "n" in p:
            n = int(p["n"])
            unit = r["primaryMetric"]["scoreUnit"]
            secs = score / {"us/op": 1e6, "ms/op": 1e3, "ns/op": 1e9, "s/op": 1}.get(unit, 1e6)
            key = f"gemm.{n}" if cls == "GemmBench" else f"gemm.f64.{n}"
            if p.get("variant", "panagrad") != "panagrad":
                key = f"{p['variant']}:{key}"  # the peer measured by JMH in this run (GemmBench)
            yield key, t, "GFLOP/s", 2 * n ** 3 / secs / 1e9, True
        elif cls == "FmaPeakBench":
            # 2 * 24 FMAs * 16 lanes (AVX-512 float32) * 4096 rounds per op, µs per op
            yield "peak.fma", t, "GFLOP/s", 2 * 24 * 16 * 4096 / (score * 1e-6) / 1e9, True
        elif cls == "OptimizerBench":
            opt = p.get("optimizer")
            yield f"optim.{opt}", t, "GB/s", OPTIM_BYTES[opt] * OPTIM_PARAMS / (score * 1e-3) / 1e9, True
        elif cls == "TapeBench":
            yield f"tape.{p.get('elements')}.{method}", t, "us/op", score, False
        elif cls == "TrainingBench":
            yield f"train.{p.get('config')}", t, "ms/step", score, False
        elif cls == "MemoryBench":
            sec = r.get("secondaryMetrics", {})
            if "peakGrowthMiB" in sec:
                yield "memory.mlp50.peakGrowthMiB", "1", "MiB", sec["peakGrowthMiB"]["score"], False


def peer_value(peers, key, t, unit):
    src = peers.get(t, {})
    if key.startswith("elementwise."):
        op, kind = key.split(".")[1:3]
        ms = src.get(f"{key}.ms")
        bytes_ = 12 if op in ("add", "mul") else 8
        return None if ms is None else bytes_ * MB_16M / ms
    if key.startswith("optim."):
        ms = src.get(f"{key}.ms")
        return None if ms is None else OPTIM_BYTES[key.split(".")[1]] * OPTIM_PARAMS / (ms * 1e-3) / 1e9
    if key.startswith("gemm."):
        return src.get(f"{key}.gflops")
    if key.startswith("tape."):
        return src.get(f"{key}.us")
    if key.startswith("fused."):
        return src.get(f"{key.rsplit('.', 1)[0]}.us")  # PyTorch's op, for ours and for the composite
    return src.get(f"{key}.ms")


def doc_value(key, t):
    d = DOC.get(t, {}).get(key)
    if d is None:
        return None
    if key.startswith("elementwise."):
        return d  # already GB/s
    return d


def limits(table, one):
    """Our one-thread memory-bound rows beside the C loops of machine_limits.c from the same run."""
    if "limits.add.store.ms" not in one:
        return
    ours = {k: v for k, t, u, v, h in table if t == "1"}
    gbs = lambda ms, b: b * MB_16M / ms
    print("\nMemory limits measured in this run (bench/machine_limits.c, one thread, AVX-512 C):")
    for label, key, c_key, b in (("add, new result", "elementwise.add.new", "limits.add.store.ms", 12),
                                 ("add, new result", "elementwise.add.new", "limits.add.stream.ms", 12),
                                 ("add into an existing buffer", "elementwise.add.existing", "limits.add.inplace.ms", 12)):
        c = gbs(one[c_key], b)
        how = c_key.split(".")[2]
        o = ours.get(key)
        print(f"  {label:28} ours {o or 0:6.1f} GB/s, C {how:8} {c:6.1f} GB/s" + (f" ({o / c:4.2f}x)" if o else ""))
    s = ours.get("reduce.sumAll")
    print(f"  {'sum of 4096x4096':28} ours {s or 0:6.3f} ms,  C 8-accumulator {one['limits.sum.ms']:6.3f} ms")


def main():
    jmh = json.load(open(sys.argv[1]))
    peers = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
    print(f"{'benchmark':34} {'thr':>3} {'unit':>8} {'ours':>10} {'peer here':>10} {'ratio':>7} {'BENCHMARKS.md':>14}")
    table = [r for r in rows(jmh) if ":" not in r[0]]
    in_jmh = {(k.split(":", 1)[1], t): v for k, t, u, v, h in rows(jmh) if ":" in k}
    for key, t, unit, ours, higher in table:
        peer = in_jmh.get((key, t)) or peer_value(peers, key, t, unit)
        doc = doc_value(key, t)
        ratio = None if not peer else (ours / peer if higher else peer / ours)
        f = lambda v: "" if v is None else (f"{v:10.3f}" if abs(v) < 100 else f"{v:10.1f}")
        print(f"{key:34} {t:>3} {unit:>8} {f(ours)} {f(peer)} {'' if ratio is None else f'{ratio:6.2f}x':>7} {f(doc):>14}")
    print("\nratio: how many times better than the peer measured here (speed up or time down).")
    if in_jmh:
        print("float32 gemm rows: the peer is OpenBLAS called by GemmBench in the same JMH run, in the fork right after ours.")
    limits(table, peers.get("1", {}))
    peak = next((v for k, t, u, v, h in table if k == "peak.fma" and t == "1"), None)
    if peak:
        print(f"\nFMA peak measured in this run: {peak:.1f} GFLOP/s on one core (BENCHMARKS.md: 273)")
        for k, t, u, v, h in table:
            if k.startswith("gemm.") and not k.startswith("gemm.f64") and t == "1":
                print(f"  {k:12} {v:7.1f} GFLOP/s = {100 * v / peak:5.1f}% of it")


if __name__ == "__main__":
    main()
