package dev.panagrad.memory;

import java.lang.foreign.MemorySegment;

/**
 * A block of device memory owned by a {@link CachingAllocator}. On the CPU the segment is
 * host memory; on a GPU it is a zero-length segment whose address is the device pointer.
 * Blocks are pooled: the same Buffer object serves many tensors over its life.
 */
public final class Buffer {
    final MemorySegment segment;
    final long capacity;
    final int sizeClass;
    /** The handle the native allocator needs to free the block (the Arena on the CPU). */
    final Object nativeHandle;

    Buffer(MemorySegment segment, long capacity, int sizeClass, Object nativeHandle) {
        this.segment = segment;
        this.capacity = capacity;
        this.sizeClass = sizeClass;
        this.nativeHandle = nativeHandle;
    }

    /** The whole block; only the first bytes a tensor asked for are meaningful. */
    public MemorySegment segment() {
        return segment;
    }

    /** Bytes in the block (its size class, at least what was asked for). */
    public long capacity() {
        return capacity;
    }
}
