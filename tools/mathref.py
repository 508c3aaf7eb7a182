#!/usr/bin/env python3
"""Reference values for the float64 transcendental tests (MathAccuracyTest), from mpmath.

Writes one line per sample: function, x as a Java hex float literal (exact), and f(x) to
25 significant digits. Run from the repository root:
    python3 tools/mathref.py > src/test/resources/dev/panagrad/backend/cpu/mathref-f64.txt
"""
import random
import mpmath as mp

mp.mp.dps = 40
random.seed(20261122)

def Phi(x):
    return mp.erfc(-x / mp.sqrt(2)) / 2

def phi(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)

FUNCS = {
    'exp': (mp.exp, [(-745, 709.7)]),
    'log': (mp.log, [(1e-300, 1e300), (0.5, 2)]),
    'tanh': (mp.tanh, [(-20, 20), (-1, 1)]),
    'sigmoid': (lambda x: 1 / (1 + mp.exp(-x)), [(-745, 40), (-5, 5)]),
    'silu': (lambda x: x / (1 + mp.exp(-x)), [(-740, 40), (-5, 5)]),
    'erf': (mp.erf, [(-6, 6), (-1, 1)]),
    'gelu': (lambda x: x * Phi(x), [(-38.5, 10), (-3, 3)]),
    'sin': (mp.sin, [(-1e6, 1e6), (-10, 10)]),
    'cos': (mp.cos, [(-1e6, 1e6), (-10, 10)]),
}

def samples(lo, hi, n):
    out = []
    for _ in range(n):
        if lo > 0:  # log-uniform
            out.append(float(mp.exp(mp.log(lo) + (mp.log(hi) - mp.log(lo)) * random.random())))
        else:
            out.append(lo + (hi - lo) * random.random())
    return out

def main():
    for name, (f, ranges) in FUNCS.items():
        xs = []
        for lo, hi in ranges:
            xs += samples(lo, hi, 250)
        xs += [1e-300, 1e-310, -1e-310, 2.5e-8, -2.5e-8, 0.5, 0.9, 1.2, 3.0]
        for x in xs:
            if name == 'log' and x <= 0:
                continue
            v = f(mp.mpf(x))
            print(name, float.hex(x), mp.nstr(v, 25, min_fixed=1, max_fixed=0))

if __name__ == '__main__':
    main()
