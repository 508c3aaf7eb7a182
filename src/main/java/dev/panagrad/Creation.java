package dev.panagrad;

import dev.panagrad.backend.Backend;
import dev.panagrad.backend.Iter;
import dev.panagrad.backend.cpu.CpuBackend;
import dev.panagrad.memory.Storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Factories (zeros, arange, rand, from arrays, wrapping memory) and exports to Java arrays. */
final class Creation {
    private Creation() {}

    static Backend defaultBackend() {
        return CpuBackend.INSTANCE;
    }

    static Tensor empty(DType dt, int[] shape) {
        Shapes.checkNonNegative("empty", shape);
        return Tensor.allocate(defaultBackend(), dt, shape.clone());
    }

    static Tensor full(DType dt, double value, int[] shape, String name) {
        Shapes.checkNonNegative(name, shape);
        Tensor t = Tensor.allocate(defaultBackend(), dt, shape.length == 0 ? Shapes.SCALAR : shape.clone());
        fill(t, value);
        return t;
    }

    /** Fills a contiguous tensor (no checks, no version bump). */
    static void fill(Tensor t, double value) {
        t.backend.fill(Iter.contiguous(t.numel, new MemorySegment[] {t.storage.segment()}, new long[] {t.offset}),
                t.dtype, value);
    }

    /** Multiplies a tensor by {@code s} in place (kernel only: for ops finishing their own outputs). */
    static void scaleInPlace(Tensor t, double s) {
        t.backend.binaryScalar(dev.panagrad.backend.BinaryOp.MUL, t.dtype, Pointwise.iter2(t, t), s, false);
    }

    /** Square root in place (kernel only). */
    static void sqrtInPlace(Tensor t) {
        t.backend.unary(dev.panagrad.backend.UnaryOp.SQRT, t.dtype, Pointwise.iter2(t, t), 0, 0);
    }

    static Tensor arange(DType dt, double start, double end, double step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be nonzero");
        if (!Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: start and end must be finite, got " + start + " and " + end);
        }
        if ((end - start) / step < 0) {
            throw new IllegalArgumentException("arange: the step " + step + " points away from end (start " + start
                    + ", end " + end + ")");
        }
        long n = (long) Math.ceil((end - start) / step);
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("arange: " + n + " elements is too many for one dimension");
        Tensor t = Tensor.allocate(defaultBackend(), dt, new int[] {(int) n});
        MemorySegment m = t.storage.segment();
        for (long i = 0; i < n; i++) writeDouble(dt, m, i, start + i * step);
        return t;
    }

    static Tensor linspace(DType dt, double start, double end, int steps) {
        if (steps < 0) throw new IllegalArgumentException("linspace: number of steps must be non-negative, got " + steps);
        Tensor t = Tensor.allocate(defaultBackend(), dt, new int[] {steps});
        MemorySegment m = t.storage.segment();
        if (steps == 1) writeDouble(dt, m, 0, start);
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps && steps > 1; i++) {
            // As PyTorch: count up from start for the first half and down from end for the rest.
            writeDouble(dt, m, i, i < half ? start + step * i : end - step * (steps - i - 1));
        }
        return t;
    }

    static Tensor eye(DType dt, int n, int m) {
        if (n < 0 || m < 0) throw new IllegalArgumentException("eye: sizes must be non-negative, got " + n + " and " + m);
        Tensor t = full(dt, 0, new int[] {n, m}, "eye");
        MemorySegment s = t.storage.segment();
        for (int i = 0; i < Math.min(n, m); i++) writeDouble(dt, s, (long) i * m + i, 1);
        return t;
    }

    static Tensor random(DType dt, int[] shape, boolean normal, double a, double b, Generator gen, String name) {
        if (!dt.isFloatingPoint()) {
            throw new DTypeMismatchException(name + ": random floats need a floating point dtype, got " + dt.pyName()
                    + "; use randint for integers");
        }
        Shapes.checkNonNegative(name, shape);
        Tensor t = Tensor.allocate(defaultBackend(), dt, shape.clone());
        long[] key = gen.reserve(t.numel);
        t.backend.random(dt, t.numel, t.storage.segment(), 0, normal, a, b, key[0], key[1]);
        return t;
    }

    static Tensor randint(long low, long high, int[] shape, Generator gen) {
        if (high <= low) throw new IllegalArgumentException("randint: high (" + high + ") must be greater than low (" + low + ")");
        Shapes.checkNonNegative("randint", shape);
        Tensor t = Tensor.allocate(defaultBackend(), DType.INT64, shape.clone());
        long[] key = gen.reserve(t.numel);
        t.backend.random(DType.INT64, t.numel, t.storage.segment(), 0, false, low, high, key[0], key[1]);
        return t;
    }

    /** A tensor holding a copy of Java array data (wrapped as a heap segment). */
    static Tensor fromArray(DType dt, MemorySegment data, int length, int[] shape) {
        int[] sh = shape.length == 0 ? new int[] {length} : shape.clone();
        Shapes.checkNonNegative("of", sh);
        if (Shapes.numel(sh) != length) {
            throw new ShapeMismatchException("of: " + length + " values do not fill shape " + Shapes.str(sh)
                    + " (" + Shapes.numel(sh) + " elements)");
        }
        Tensor t = Tensor.allocate(defaultBackend(), dt, sh);
        MemorySegment.copy(data, 0, t.storage.segment(), 0, (long) length * dt.byteSize());
        return t;
    }

    /** A 0-d tensor holding exactly one long. */
    static Tensor scalarLong(long v) {
        Tensor t = Tensor.allocate(defaultBackend(), DType.INT64, Shapes.SCALAR);
        t.storage.segment().set(ValueLayout.JAVA_LONG, 0, v);
        return t;
    }

    static Tensor fromSegment(MemorySegment segment, DType dt, int[] shape) {
        Shapes.checkNonNegative("fromSegment", shape);
        long bytes = Shapes.numel(shape) * dt.byteSize();
        if (segment.byteSize() < bytes) {
            throw new ShapeMismatchException("fromSegment: shape " + Shapes.str(shape) + " of " + dt.pyName() + " needs "
                    + bytes + " bytes, the segment has " + segment.byteSize());
        }
        if (!segment.isNative() || segment.address() % dt.byteSize() != 0) {
            throw new IllegalArgumentException("fromSegment: the segment must be native memory aligned to "
                    + dt.byteSize() + " bytes");
        }
        Storage st = Storage.wrap(segment, "cpu");
        return new Tensor(st, defaultBackend(), dt, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- element access

    static void writeDouble(DType dt, MemorySegment m, long i, double v) {
        switch (dt) {
            case FLOAT32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            case FLOAT64 -> m.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            case INT64 -> m.setAtIndex(ValueLayout.JAVA_LONG, i, (long) v);
            case BOOL -> m.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
        }
    }

    static double readRaw(DType dt, MemorySegment m, long i) {
        return switch (dt) {
            case FLOAT32 -> m.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case FLOAT64 -> m.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            case INT64 -> m.getAtIndex(ValueLayout.JAVA_LONG, i);
            case BOOL -> m.get(ValueLayout.JAVA_BYTE, i);
        };
    }

    /** The element at row-major position {@code flat}, honouring strides. */
    static double readDouble(Tensor t, long flat) {
        long off = t.offset;
        for (int d = t.shape.length - 1; d >= 0; d--) {
            off += (flat % t.shape[d]) * t.strides[d];
            flat /= t.shape[d];
        }
        return readRaw(t.dtype, t.storage.segment(), off);
    }

    /** The elements as a Java array of {@code dt}'s primitive type, in row-major order. */
    static Object export(Tensor t, DType dt, String name) {
        t.checkAlive(name);
        if (t.numel > Integer.MAX_VALUE) {
            throw new IllegalStateException(name + ": " + t.numel + " elements do not fit a Java array");
        }
        int n = (int) t.numel;
        Tensor c = t;
        boolean temp = false;
        if (t.dtype != dt || !t.isContiguous()) {
            Tensor conv = Tensor.allocate(t.backend, dt, t.shape);
            t.backend.copy(Pointwise.iter2(conv, t), dt, t.dtype);
            c = conv;
            temp = true;
        }
        try {
            MemorySegment src = c.storage.segment();
            long off = c.offset * dt.byteSize();
            return switch (dt) {
                case FLOAT32 -> src.asSlice(off, (long) n * 4).toArray(ValueLayout.JAVA_FLOAT);
                case FLOAT64 -> src.asSlice(off, (long) n * 8).toArray(ValueLayout.JAVA_DOUBLE);
                case INT64 -> src.asSlice(off, (long) n * 8).toArray(ValueLayout.JAVA_LONG);
                case BOOL -> src.asSlice(off, n).toArray(ValueLayout.JAVA_BYTE);
            };
        } finally {
            if (temp) c.release(Tensor.RELEASED_BY_SCOPE);
        }
    }
}
