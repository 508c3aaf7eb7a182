package dev.panagrad;

import dev.panagrad.backend.cpu.CpuBackend;
import dev.panagrad.memory.CachingAllocator;
import dev.panagrad.memory.Storage;

import java.util.List;

/**
 * Native memory of the devices: statistics of their caching allocators, returning cached
 * blocks, and (in leak-check mode) the storages nobody released.
 */
public final class Memory {
    private Memory() {}

    private static CachingAllocator allocator(Device device) {
        if (device.kind() != Device.Kind.CPU) {
            throw new IllegalArgumentException("memory statistics for " + device + " are not available: "
                    + "the CUDA backend does not allocate tensors yet");
        }
        return CpuBackend.INSTANCE.allocator();
    }

    /** Statistics of the CPU allocator. */
    public static MemoryStats stats() {
        return stats(Device.CPU);
    }

    /** Statistics of one device's allocator. */
    public static MemoryStats stats(Device device) {
        CachingAllocator a = allocator(device);
        synchronized (a) {
            return new MemoryStats(a.liveBytes(), a.peakBytes(), a.cachedBytes(), a.nativeAllocations(),
                    a.cacheHits(), a.allocations());
        }
    }

    /** Gives the CPU allocator's cached blocks back to the operating system. */
    public static void emptyCache() {
        allocator(Device.CPU).emptyCache();
    }

    /** Starts a new peak measurement from the current live bytes. */
    public static void resetPeak() {
        allocator(Device.CPU).resetPeak();
    }

    /**
     * Storages that were garbage collected without being released, with where they were
     * allocated; recorded only when the JVM runs with {@code -Dpanagrad.leakCheck=true}.
     */
    public static List<String> leaks() {
        return Storage.leaks();
    }
}
