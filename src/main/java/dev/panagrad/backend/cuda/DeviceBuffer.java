package dev.panagrad.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.panagrad.cuda.bindings.panagrad_cuda_h.C_POINTER;
import static dev.panagrad.cuda.bindings.panagrad_cuda_h.PG_MEMCPY_DEVICE_TO_HOST;
import static dev.panagrad.cuda.bindings.panagrad_cuda_h.PG_MEMCPY_HOST_TO_DEVICE;
import static dev.panagrad.cuda.bindings.panagrad_cuda_h.pg_free;
import static dev.panagrad.cuda.bindings.panagrad_cuda_h.pg_malloc;
import static dev.panagrad.cuda.bindings.panagrad_cuda_h.pg_memcpy;

/**
 * One cudaMalloc'd block, freed by {@link #close()}; use it in try-with-resources so that a
 * failure anywhere still frees every block already allocated.
 */
final class DeviceBuffer implements AutoCloseable {
    private final MemorySegment address;
    private final long bytes;

    private DeviceBuffer(MemorySegment address, long bytes) {
        this.address = address;
        this.bytes = bytes;
    }

    static DeviceBuffer allocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(C_POINTER);
            CudaErrors.check(pg_malloc(slot, bytes), "pg_malloc(" + bytes + " bytes)");
            return new DeviceBuffer(slot.get(C_POINTER, 0), bytes);
        }
    }

    /** The device address, to pass to kernels. */
    MemorySegment address() {
        return address;
    }

    /** Copies all of this buffer from host memory. */
    void copyFrom(MemorySegment host) {
        requireSize(host);
        CudaErrors.check(pg_memcpy(address, host, bytes, PG_MEMCPY_HOST_TO_DEVICE()),
                "pg_memcpy(host to device, " + bytes + " bytes)");
    }

    /** Copies all of this buffer to host memory (synchronous: returns when the data is there). */
    void copyTo(MemorySegment host) {
        requireSize(host);
        CudaErrors.check(pg_memcpy(host, address, bytes, PG_MEMCPY_DEVICE_TO_HOST()),
                "pg_memcpy(device to host, " + bytes + " bytes)");
    }

    private void requireSize(MemorySegment host) {
        if (host.byteSize() != bytes) {
            throw new IllegalArgumentException("host segment has " + host.byteSize() + " bytes, device buffer " + bytes);
        }
    }

    @Override
    public void close() {
        CudaErrors.check(pg_free(address), "pg_free(" + bytes + " bytes)");
    }
}
