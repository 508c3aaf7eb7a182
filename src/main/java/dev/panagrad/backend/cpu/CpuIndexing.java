package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Gather and scatter-add along one dimension, over any strides. */
final class CpuIndexing {
    private CpuIndexing() {}

    static void gather(DType dt, int[] shape, int dim,
                       MemorySegment out, long outOffset, long[] outStrides,
                       MemorySegment in, long inOffset, long[] inStrides,
                       MemorySegment index, long indexOffset, long[] indexStrides) {
        int bytes = dt.byteSize();
        forEach(shape, (int[] p, long n) -> {
            long o = outOffset, x = inOffset, ix = indexOffset;
            for (int d = 0; d < shape.length - 1; d++) {
                o += p[d] * outStrides[d];
                ix += p[d] * indexStrides[d];
                if (d != dim) x += p[d] * inStrides[d];
            }
            int last = shape.length - 1;
            for (long j = 0; j < n; j++) {
                long id = index.getAtIndex(ValueLayout.JAVA_LONG, ix + j * indexStrides[last]);
                long src = x + (last == dim ? id * inStrides[last] : j * inStrides[last] + id * inStrides[dim]);
                Elem.move(bytes, in, src, out, o + j * outStrides[last]);
            }
        });
    }

    static void scatterAdd(DType dt, int[] shape, int dim,
                           MemorySegment out, long outOffset, long[] outStrides,
                           MemorySegment src, long srcOffset, long[] srcStrides,
                           MemorySegment index, long indexOffset, long[] indexStrides) {
        // Serial: two indices may hit the same output element.
        forEach(shape, (int[] p, long n) -> {
            long s = srcOffset, o = outOffset, ix = indexOffset;
            for (int d = 0; d < shape.length - 1; d++) {
                s += p[d] * srcStrides[d];
                ix += p[d] * indexStrides[d];
                if (d != dim) o += p[d] * outStrides[d];
            }
            int last = shape.length - 1;
            for (long j = 0; j < n; j++) {
                long id = index.getAtIndex(ValueLayout.JAVA_LONG, ix + j * indexStrides[last]);
                long dst = o + (last == dim ? id * outStrides[last] : j * outStrides[last] + id * outStrides[dim]);
                long from = s + j * srcStrides[last];
                switch (dt) {
                    case FLOAT32 -> out.setAtIndex(ValueLayout.JAVA_FLOAT, dst,
                            out.getAtIndex(ValueLayout.JAVA_FLOAT, dst) + src.getAtIndex(ValueLayout.JAVA_FLOAT, from));
                    case FLOAT64 -> out.setAtIndex(ValueLayout.JAVA_DOUBLE, dst,
                            out.getAtIndex(ValueLayout.JAVA_DOUBLE, dst) + src.getAtIndex(ValueLayout.JAVA_DOUBLE, from));
                    case INT64 -> out.setAtIndex(ValueLayout.JAVA_LONG, dst,
                            out.getAtIndex(ValueLayout.JAVA_LONG, dst) + src.getAtIndex(ValueLayout.JAVA_LONG, from));
                    case BOOL -> out.set(ValueLayout.JAVA_BYTE, dst,
                            (byte) (out.get(ValueLayout.JAVA_BYTE, dst) | src.get(ValueLayout.JAVA_BYTE, from)));
                }
            }
        });
    }

    @FunctionalInterface
    private interface RowVisitor {
        /** {@code p}: the outer coordinates of a row; {@code n}: the innermost size. */
        void row(int[] p, long n);
    }

    /** Visits every innermost row of {@code shape} in row-major order. */
    private static void forEach(int[] shape, RowVisitor v) {
        int nd = shape.length;
        if (nd == 0) {
            v.row(new int[0], 1);
            return;
        }
        for (int s : shape) if (s == 0) return;
        int[] p = new int[nd];
        long n = shape[nd - 1];
        while (true) {
            v.row(p, n);
            int d = nd - 2;
            while (d >= 0) {
                if (++p[d] < shape[d]) break;
                p[d] = 0;
                d--;
            }
            if (d < 0) return;
        }
    }
}
