package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Element access to float32 / float64 test buffers, through double. */
final class TestSegments {
    private TestSegments() {}

    static MemorySegment random(Arena arena, DType dt, long n, Random rnd) {
        MemorySegment m = arena.allocate(n * dt.byteSize(), 64);
        for (long i = 0; i < n; i++) set(dt, m, i, rnd.nextGaussian());
        return m;
    }

    static double get(DType dt, MemorySegment m, long i) {
        return dt == DType.FLOAT32 ? m.getAtIndex(ValueLayout.JAVA_FLOAT, i) : m.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
    }

    static void set(DType dt, MemorySegment m, long i, double v) {
        if (dt == DType.FLOAT32) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
        else m.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
    }
}
