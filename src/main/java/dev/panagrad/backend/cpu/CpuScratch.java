package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.memory.Buffer;

import java.lang.foreign.MemorySegment;

/**
 * A scratch buffer (zeroed unless asked otherwise) for a kernel's partial results, from the CPU backend's caching
 * allocator (so a steady loop allocates nothing new). It is native memory like every tensor:
 * heap segments ({@code MemorySegment.ofArray}) reaching the same Vector API loads and stores
 * make C2's speculation fail over and over, leaving the kernels deoptimised.
 */
final class CpuScratch implements AutoCloseable {
    private final Buffer buffer;
    /** The buffer's first {@code n} elements. */
    final MemorySegment segment;

    CpuScratch(DType dt, long n) {
        this(dt, n, true);
    }

    /** A buffer of {@code n} elements, zeroed or (for a kernel that writes all of it first) left as it was. */
    CpuScratch(DType dt, long n, boolean zeroed) {
        long bytes = Math.max(1, n) * dt.byteSize();
        buffer = CpuBackend.INSTANCE.allocator().allocate(bytes);
        segment = buffer.segment().asSlice(0, bytes);
        if (zeroed) segment.fill((byte) 0);
    }

    /** Zeroes the buffer again. */
    void clear() {
        segment.fill((byte) 0);
    }

    @Override
    public void close() {
        CpuBackend.INSTANCE.allocator().free(buffer);
    }
}
