package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Reading and writing single elements of any dtype (for scalar paths that are not hot). */
final class Elem {
    private Elem() {}

    static double get(DType dt, MemorySegment m, long i) {
        return switch (dt) {
            case FLOAT32 -> m.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case FLOAT64 -> m.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            case INT64 -> m.getAtIndex(ValueLayout.JAVA_LONG, i);
            case BOOL -> m.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
        };
    }

    static void set(DType dt, MemorySegment m, long i, double v) {
        switch (dt) {
            case FLOAT32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            case FLOAT64 -> m.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            case INT64 -> m.setAtIndex(ValueLayout.JAVA_LONG, i, (long) v);
            case BOOL -> m.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
        }
    }

    /** Copies one element's bits (same dtype on both sides). */
    static void move(int bytes, MemorySegment from, long fi, MemorySegment to, long ti) {
        switch (bytes) {
            case 1 -> to.set(ValueLayout.JAVA_BYTE, ti, from.get(ValueLayout.JAVA_BYTE, fi));
            case 4 -> to.setAtIndex(ValueLayout.JAVA_INT, ti, from.getAtIndex(ValueLayout.JAVA_INT, fi));
            default -> to.setAtIndex(ValueLayout.JAVA_LONG, ti, from.getAtIndex(ValueLayout.JAVA_LONG, fi));
        }
    }

    /** Converting copy of one row: NaN becomes true for bool, floats truncate toward zero for int64. */
    static void convert(long n, DType inType, MemorySegment x, long xo, long xs,
                        DType outType, MemorySegment out, long oo, long os) {
        if (inType == DType.INT64 && outType != DType.BOOL) {
            for (long i = 0; i < n; i++) {
                long v = x.getAtIndex(ValueLayout.JAVA_LONG, xo + i * xs);
                switch (outType) {
                    case FLOAT32 -> out.setAtIndex(ValueLayout.JAVA_FLOAT, oo + i * os, (float) v);
                    case FLOAT64 -> out.setAtIndex(ValueLayout.JAVA_DOUBLE, oo + i * os, (double) v);
                    default -> out.setAtIndex(ValueLayout.JAVA_LONG, oo + i * os, v);
                }
            }
            return;
        }
        for (long i = 0; i < n; i++) {
            double v = get(inType, x, xo + i * xs);
            if (outType == DType.BOOL) {
                out.set(ValueLayout.JAVA_BYTE, oo + i * os, (byte) (v != 0 || v != v ? 1 : 0));
            } else {
                set(outType, out, oo + i * os, v);
            }
        }
    }
}
