package dev.panagrad.backend.cpu;

import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.ReduceOp;
import dev.panagrad.backend.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * int64 kernels (scalar: integer tensors hold indices and labels, not bulk math). Ops with
 * no integer meaning (exp, true division, ...) are promoted to float by the op layer
 * before they get here.
 */
final class LongKernels implements Kernels1D {
    static final LongKernels INSTANCE = new LongKernels();
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;

    static long unaryOp(UnaryOp op, long x, long p0, long p1) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case RELU -> Math.max(x, 0);
            case CLAMP -> Math.min(Math.max(x, p0), p1);
            case SIGN -> Long.signum(x);
            case POW_SCALAR -> ipow(x, p0);
            default -> throw new IllegalArgumentException(op + " is not defined for int64");
        };
    }

    static long binaryOp(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case POW -> ipow(a, b);
            case DIV -> {
                if (b == 0) throw new ArithmeticException("integer division by zero");
                yield Math.floorDiv(a, b);
            }
            case REMAINDER -> {
                if (b == 0) throw new ArithmeticException("integer remainder by zero");
                yield Math.floorMod(a, b);
            }
            default -> throw new IllegalArgumentException(op + " is not defined for int64");
        };
    }

    private static long ipow(long base, long exp) {
        if (exp < 0) {
            if (base == 1) return 1;
            if (base == -1) return (exp & 1) == 0 ? 1 : -1;
            throw new ArithmeticException("integers to negative integer powers are not allowed");
        }
        long r = 1;
        while (exp > 0) {
            if ((exp & 1) == 1) r *= base;
            base *= base;
            exp >>= 1;
        }
        return r;
    }

    static boolean compareOp(BinaryOp op, long a, long b) {
        return switch (op) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }

    @Override
    public void unary(UnaryOp op, long n, MemorySegment x, long xo, long xs,
                      MemorySegment out, long oo, long os, double p0, double p1) {
        long q0 = clampToLong(p0), q1 = clampToLong(p1);
        for (long i = 0; i < n; i++) out.setAtIndex(L, oo + i * os, unaryOp(op, x.getAtIndex(L, xo + i * xs), q0, q1));
    }

    private static long clampToLong(double v) {
        return v >= 9.2e18 ? Long.MAX_VALUE : v <= -9.2e18 ? Long.MIN_VALUE : (long) v;
    }

    @Override
    public void binary(BinaryOp op, long n, MemorySegment a, long ao, long as,
                       MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(L, oo + i * os, binaryOp(op, a.getAtIndex(L, ao + i * as), b.getAtIndex(L, bo + i * bs)));
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, long n, MemorySegment a, long ao, long as, double s,
                             boolean scalarFirst, MemorySegment out, long oo, long os) {
        long c = (long) s;
        for (long i = 0; i < n; i++) {
            long v = a.getAtIndex(L, ao + i * as);
            out.setAtIndex(L, oo + i * os, scalarFirst ? binaryOp(op, c, v) : binaryOp(op, v, c));
        }
    }

    @Override
    public void compare(BinaryOp op, long n, MemorySegment a, long ao, long as,
                        MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os) {
        for (long i = 0; i < n; i++) {
            boolean r = compareOp(op, a.getAtIndex(L, ao + i * as), b.getAtIndex(L, bo + i * bs));
            out.set(ValueLayout.JAVA_BYTE, oo + i * os, (byte) (r ? 1 : 0));
        }
    }

    @Override
    public void compareScalar(BinaryOp op, long n, MemorySegment a, long ao, long as, double s,
                              boolean scalarFirst, MemorySegment out, long oo, long os) {
        for (long i = 0; i < n; i++) {
            double v = a.getAtIndex(L, ao + i * as); // compare in double: 2 < 2.5 must hold
            boolean r = switch (op) {
                case EQ -> v == s;
                case NE -> v != s;
                case LT -> scalarFirst ? s < v : v < s;
                case LE -> scalarFirst ? s <= v : v <= s;
                case GT -> scalarFirst ? s > v : v > s;
                case GE -> scalarFirst ? s >= v : v >= s;
                default -> throw new IllegalArgumentException(op + " is not a comparison");
            };
            out.set(ValueLayout.JAVA_BYTE, oo + i * os, (byte) (r ? 1 : 0));
        }
    }

    @Override
    public void where(long n, MemorySegment c, long co, long cs, MemorySegment a, long ao, long as,
                      MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os) {
        for (long i = 0; i < n; i++) {
            boolean t = c.get(ValueLayout.JAVA_BYTE, co + i * cs) != 0;
            out.setAtIndex(L, oo + i * os, t ? a.getAtIndex(L, ao + i * as) : b.getAtIndex(L, bo + i * bs));
        }
    }

    @Override
    public double reduce(ReduceOp op, long n, MemorySegment x, long xo, long xs) {
        long r = switch (op) {
            case SUM, SUM_ABS, SUM_SQUARES -> 0;
            case PROD -> 1;
            case MAX, MAX_ABS -> Long.MIN_VALUE;
            case MIN -> Long.MAX_VALUE;
        };
        for (long i = 0; i < n; i++) r = combine(op, r, x.getAtIndex(L, xo + i * xs));
        return r;
    }

    private static long combine(ReduceOp op, long r, long v) {
        return switch (op) {
            case SUM -> r + v;
            case SUM_ABS -> r + Math.abs(v);
            case SUM_SQUARES -> r + v * v;
            case PROD -> r * v;
            case MAX -> Math.max(r, v);
            case MAX_ABS -> Math.max(r, Math.abs(v));
            case MIN -> Math.min(r, v);
        };
    }

    @Override
    public void accumulate(ReduceOp op, long n, MemorySegment x, long xo, long xs,
                           MemorySegment acc, long ao, long as) {
        for (long i = 0; i < n; i++) {
            long r = acc.getAtIndex(L, ao + i * as);
            acc.setAtIndex(L, ao + i * as, combine(op, r, x.getAtIndex(L, xo + i * xs)));
        }
    }

    @Override
    public long argReduce(boolean max, long n, MemorySegment x, long xo, long xs) {
        long best = 0, bv = x.getAtIndex(L, xo);
        for (long i = 1; i < n; i++) {
            long v = x.getAtIndex(L, xo + i * xs);
            if (max ? v > bv : v < bv) {
                bv = v;
                best = i;
            }
        }
        return best;
    }

    @Override
    public void fill(long n, MemorySegment out, long oo, long os, double value) {
        fillLong(n, out, oo, os, (long) value);
    }

    /** Fill with an exact 64-bit value (a double cannot hold every long). */
    void fillLong(long n, MemorySegment out, long oo, long os, long v) {
        for (long i = 0; i < n; i++) out.setAtIndex(L, oo + i * os, v);
    }

    @Override
    public void copy(long n, MemorySegment x, long xo, long xs, MemorySegment out, long oo, long os) {
        if (xs == 1 && os == 1) {
            MemorySegment.copy(x, xo * 8, out, oo * 8, n * 8);
            return;
        }
        for (long i = 0; i < n; i++) out.setAtIndex(L, oo + i * os, x.getAtIndex(L, xo + i * xs));
    }

    @Override
    public void sgd(long n, MemorySegment p, long po, MemorySegment g, long go, MemorySegment buf, long bo,
                    double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean first) {
        throw new IllegalArgumentException("optimizers update floating point parameters only");
    }

    @Override
    public void adam(long n, MemorySegment p, long po, MemorySegment g, long go, MemorySegment m, long mo,
                     MemorySegment v, long vo, MemorySegment vmax, long vmo, double lr, double beta1, double beta2,
                     double eps, double weightDecay, boolean decoupled, double bc1, double bc2Sqrt) {
        throw new IllegalArgumentException("optimizers update floating point parameters only");
    }
}
