package dev.panagrad.backend.cpu;

import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.ReduceOp;
import dev.panagrad.backend.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** bool kernels: one byte per element, 0 or 1. Arithmetic is logical (add = or, mul = and). */
final class BoolKernels implements Kernels1D {
    static final BoolKernels INSTANCE = new BoolKernels();
    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;

    private static boolean get(MemorySegment m, long i) {
        return m.get(B, i) != 0;
    }

    private static void put(MemorySegment m, long i, boolean v) {
        m.set(B, i, (byte) (v ? 1 : 0));
    }

    static boolean binaryOp(BinaryOp op, boolean a, boolean b) {
        return switch (op) {
            case ADD, MAXIMUM -> a | b;
            case MUL, MINIMUM -> a & b;
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> !a & b;
            case LE -> !a | b;
            case GT -> a & !b;
            case GE -> a | !b;
            default -> throw new IllegalArgumentException(op + " is not defined for bool; convert with to(DType.INT64) or to(DType.FLOAT32) first");
        };
    }

    @Override
    public void unary(UnaryOp op, long n, MemorySegment x, long xo, long xs,
                      MemorySegment out, long oo, long os, double p0, double p1) {
        for (long i = 0; i < n; i++) {
            boolean v = get(x, xo + i * xs);
            put(out, oo + i * os, switch (op) {
                case ABS, RELU, SQUARE, SIGN -> v;
                default -> throw new IllegalArgumentException(op + " is not defined for bool; convert with to(DType.FLOAT32) first");
            });
        }
    }

    @Override
    public void binary(BinaryOp op, long n, MemorySegment a, long ao, long as,
                       MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os) {
        for (long i = 0; i < n; i++) put(out, oo + i * os, binaryOp(op, get(a, ao + i * as), get(b, bo + i * bs)));
    }

    @Override
    public void binaryScalar(BinaryOp op, long n, MemorySegment a, long ao, long as, double s,
                             boolean scalarFirst, MemorySegment out, long oo, long os) {
        boolean c = s != 0;
        for (long i = 0; i < n; i++) {
            boolean v = get(a, ao + i * as);
            put(out, oo + i * os, scalarFirst ? binaryOp(op, c, v) : binaryOp(op, v, c));
        }
    }

    @Override
    public void compare(BinaryOp op, long n, MemorySegment a, long ao, long as,
                        MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os) {
        binary(op, n, a, ao, as, b, bo, bs, out, oo, os);
    }

    @Override
    public void compareScalar(BinaryOp op, long n, MemorySegment a, long ao, long as, double s,
                              boolean scalarFirst, MemorySegment out, long oo, long os) {
        for (long i = 0; i < n; i++) {
            double v = get(a, ao + i * as) ? 1 : 0;
            double l = scalarFirst ? s : v, r = scalarFirst ? v : s;
            put(out, oo + i * os, switch (op) {
                case EQ -> l == r;
                case NE -> l != r;
                case LT -> l < r;
                case LE -> l <= r;
                case GT -> l > r;
                case GE -> l >= r;
                default -> throw new IllegalArgumentException(op + " is not a comparison");
            });
        }
    }

    @Override
    public void where(long n, MemorySegment c, long co, long cs, MemorySegment a, long ao, long as,
                      MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os) {
        for (long i = 0; i < n; i++) {
            put(out, oo + i * os, get(c, co + i * cs) ? get(a, ao + i * as) : get(b, bo + i * bs));
        }
    }

    @Override
    public double reduce(ReduceOp op, long n, MemorySegment x, long xo, long xs) {
        long count = 0;
        for (long i = 0; i < n; i++) if (get(x, xo + i * xs)) count++;
        return switch (op) {
            case SUM, SUM_ABS, SUM_SQUARES -> count;
            case MAX, MAX_ABS -> count > 0 ? 1 : 0;
            case MIN, PROD -> count == n ? 1 : 0;
        };
    }

    @Override
    public void accumulate(ReduceOp op, long n, MemorySegment x, long xo, long xs,
                           MemorySegment acc, long ao, long as) {
        for (long i = 0; i < n; i++) {
            boolean v = get(x, xo + i * xs), r = get(acc, ao + i * as);
            put(acc, ao + i * as, switch (op) {
                case MAX, MAX_ABS, SUM, SUM_ABS, SUM_SQUARES -> r | v;
                case MIN, PROD -> r & v;
            });
        }
    }

    @Override
    public long argReduce(boolean max, long n, MemorySegment x, long xo, long xs) {
        for (long i = 0; i < n; i++) if (get(x, xo + i * xs) == max) return i;
        return 0;
    }

    @Override
    public void fill(long n, MemorySegment out, long oo, long os, double value) {
        for (long i = 0; i < n; i++) put(out, oo + i * os, value != 0);
    }

    @Override
    public void copy(long n, MemorySegment x, long xo, long xs, MemorySegment out, long oo, long os) {
        if (xs == 1 && os == 1) {
            MemorySegment.copy(x, xo, out, oo, n);
            return;
        }
        for (long i = 0; i < n; i++) out.set(B, oo + i * os, x.get(B, xo + i * xs));
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
