"""Measures the peers of BENCHMARKS.md on this machine: PyTorch (Debian's python3-torch) and
NumPy/OpenBLAS, with the same workloads as panagrad's JMH suite, so that ratios compare
figures taken on one machine in one run.

    /usr/bin/python3 bench/peers.py OUT.json

Every figure is the median of several repetitions. Runs each thread count in a fresh
process (OpenBLAS fixes its thread count at import).
"""
import json, os, subprocess, sys, time

WORKLOADS = r'''
import json, sys, time, statistics
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
threads = int(sys.argv[1])
torch.set_num_threads(threads)
res = {}

def med(f, reps=7, inner=1):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            f()
        ts.append((time.perf_counter() - t0) / inner)
    return statistics.median(ts)

N = 1 << 24
a = torch.randn(N); b = torch.rand(N) + 0.5; c = torch.empty(N)
for name, fn, out_fn, nbytes in (
        ("add", lambda: a + b, lambda: torch.add(a, b, out=c), 12),
        ("mul", lambda: a * b, lambda: torch.mul(a, b, out=c), 12),
        ("relu", lambda: torch.relu(a), lambda: torch.clamp(a, min=0, out=c), 8),
        ("exp", lambda: torch.exp(a), lambda: torch.exp(a, out=c), 8)):
    fn(); out_fn()
    res[f"elementwise.{name}.new.ms"] = med(fn) * 1e3
    res[f"elementwise.{name}.existing.ms"] = med(out_fn) * 1e3
x = torch.randn(4096, 4096); y = torch.empty(4096, 4096)
res["reduce.sumAll.ms"] = med(lambda: x.sum()) * 1e3
res["reduce.sumDim1.ms"] = med(lambda: x.sum(1)) * 1e3
res["reduce.softmaxDim1.new.ms"] = med(lambda: torch.softmax(x, 1), reps=5) * 1e3
res["reduce.softmaxDim1.existing.ms"] = med(lambda: torch.softmax(x, 1, out=y), reps=5) * 1e3
res["reduce.logSoftmaxDim1.new.ms"] = med(lambda: torch.log_softmax(x, 1), reps=5) * 1e3
sy = torch.softmax(x, 1); gy = torch.randn(4096, 4096)
res["reduce.softmaxBackwardDim1.ms"] = med(lambda: torch._softmax_backward_data(gy, sy, 1, x.dtype), reps=5) * 1e3
# one optimizer step over 4M parameters (OptimizerBench): gradient ones, lr 1e-6
pp = torch.randn(1 << 22, requires_grad=True); pp.grad = torch.ones_like(pp)
for name, make in (("sgd-momentum", lambda: torch.optim.SGD([pp], lr=1e-6, momentum=0.9)),
                   ("adam", lambda: torch.optim.Adam([pp], lr=1e-6)),
                   ("adamw", lambda: torch.optim.AdamW([pp], lr=1e-6))):
    o = make(); o.step()
    res[f"optim.{name}.ms"] = med(o.step, reps=7, inner=5) * 1e3
# forward + backward of the fused ops (FusedBench), in microseconds
logits = torch.randn(256, 1000, requires_grad=True); tgt = torch.randint(0, 1000, (256,))
res["fused.crossEntropy.us"] = med(lambda: torch.autograd.grad(F.cross_entropy(logits, tgt), logits), reps=15, inner=20) * 1e6
lx = torch.randn(256, 1024, requires_grad=True); lw = torch.randn(1024, requires_grad=True); lb = torch.randn(1024, requires_grad=True)
def ln_step():
    out = F.layer_norm(lx, [1024], lw, lb)
    torch.autograd.grad(out, (lx, lw, lb), torch.ones_like(out))
res["fused.layerNorm.us"] = med(ln_step, reps=15, inner=20) * 1e6
bx = torch.randn(64, 16, 28, 28, requires_grad=True); bw = torch.randn(16, requires_grad=True); bb = torch.randn(16, requires_grad=True)
def bn_step():
    out = F.batch_norm(bx, None, None, bw, bb, training=True, momentum=0.1, eps=1e-5)
    torch.autograd.grad(out, (bx, bw, bb), torch.ones_like(out))
res["fused.batchNorm.us"] = med(bn_step, reps=15, inner=5) * 1e6
for n in (64, 128, 256, 512, 1024, 2048):
    A = np.random.rand(n, n).astype(np.float32); B = np.random.rand(n, n).astype(np.float32)
    A @ B
    reps = 9 if n <= 512 else 5
    inner = max(1, int(2e8 / (2 * n ** 3)))
    res[f"gemm.{n}.gflops"] = 2 * n ** 3 / med(lambda: A @ B, reps=reps, inner=inner) / 1e9
A = np.random.rand(1024, 1024); B = np.random.rand(1024, 1024)  # float64 (dgemm)
A @ B
res["gemm.f64.1024.gflops"] = 2 * 1024 ** 3 / med(lambda: A @ B, reps=5) / 1e9
for el in (1, 16):
    v = torch.ones(el, requires_grad=True)
    def chain():
        t = v
        for i in range(1000):
            t = t + 0.5 if i % 2 == 0 else t * 0.999
        return t
    fw, bw, ng = [], [], []
    for _ in range(9):
        t0 = time.perf_counter(); t = chain(); t1 = time.perf_counter()
        (t if el == 1 else t.sum()).backward(); t2 = time.perf_counter()
        with torch.no_grad():
            t3 = time.perf_counter(); chain(); t4 = time.perf_counter()
        fw.append(t1 - t0); bw.append(t2 - t1); ng.append(t4 - t3)
    res[f"tape.{el}.forward.us"] = statistics.median(fw) * 1e3
    res[f"tape.{el}.backward.us"] = statistics.median(bw) * 1e3
    res[f"tape.{el}.forwardNoGrad.us"] = statistics.median(ng) * 1e3
def step_bench(model, opt, xb, yb):
    def step():
        opt.zero_grad(); F.cross_entropy(model(xb), yb).backward(); opt.step()
    for _ in range(5): step()
    return med(step, reps=7, inner=5) * 1e3
torch.manual_seed(0)
for optname in ("sgd", "adam"):
    for batch in (64, 256):
        m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        o = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9) if optname == "sgd" else torch.optim.Adam(m.parameters(), lr=1e-3)
        res[f"train.mlp-{optname}-{batch}.ms"] = step_bench(m, o, torch.randn(batch, 784), torch.randint(0, 10, (batch,)))
cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1568, 10))
res["train.cnn-sgd-64.ms"] = step_bench(cnn, torch.optim.SGD(cnn.parameters(), lr=0.01, momentum=0.9),
                                        torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,)))
print(json.dumps(res))
'''


def main():
    out = out_dir()
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    result = {}
    for threads in (1, 2):
        e = dict(env, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        t0 = time.time()
        p = subprocess.run([sys.executable, "-c", WORKLOADS, str(threads)], env=e, capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            sys.exit(p.returncode)
        result[str(threads)] = json.loads(p.stdout.strip().splitlines()[-1])
        print(f"peers with {threads} thread(s) measured in {time.time() - t0:.0f} s", file=sys.stderr)
    result["1"].update(machine_limits())
    json.dump(result, open(out, "w"), indent=1)


def machine_limits():
    """The C memory loops of machine_limits.c, built with gcc when it is installed ({} otherwise)."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "machine_limits.c")
    exe = os.path.join(os.path.dirname(os.path.abspath(out_dir())), "machine_limits")
    try:
        subprocess.run(["gcc", "-O3", "-march=native", "-o", exe, src], check=True, capture_output=True)
        return json.loads(subprocess.run([exe], check=True, capture_output=True, text=True).stdout)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"machine limits skipped: {e}", file=sys.stderr)
        return {}


def out_dir():
    return sys.argv[1] if len(sys.argv) > 1 else "peers.json"


if __name__ == "__main__":
    main()
