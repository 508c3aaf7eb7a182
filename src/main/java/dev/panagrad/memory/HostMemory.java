package dev.panagrad.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Host memory: each block comes from its own shared {@link Arena}, so closing it
 * (on {@code emptyCache}) unmaps the memory and any stale access by a bug of ours throws
 * instead of reading freed memory. Blocks are 64-byte aligned for AVX-512 loads.
 */
public final class HostMemory implements NativeMemory {
    public static final long ALIGNMENT = 64;

    @Override
    public Buffer allocate(long bytes, int sizeClass) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = arena.allocate(bytes, ALIGNMENT);
            return new Buffer(seg, bytes, sizeClass, arena);
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            arena.close();
            OutOfMemoryError oom = new OutOfMemoryError(
                    "panagrad: could not allocate " + bytes + " bytes of host memory; "
                            + "release tensors (close a Scope) or call Memory.emptyCache()");
            oom.initCause(e);
            throw oom;
        }
    }

    @Override
    public void free(Buffer buffer) {
        ((Arena) buffer.nativeHandle).close();
    }

    @Override
    public String name() {
        return "cpu";
    }
}
