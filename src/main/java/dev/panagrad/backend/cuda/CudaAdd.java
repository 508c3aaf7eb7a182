package dev.panagrad.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static dev.panagrad.cuda.bindings.panagrad_cuda_h.C_FLOAT;
import static dev.panagrad.cuda.bindings.panagrad_cuda_h.pg_add_f32;
import static dev.panagrad.cuda.bindings.panagrad_cuda_h.pg_synchronize;

/**
 * A full round trip through the CUDA pipeline (allocate, copy in, launch, synchronise, copy
 * out, free), proving the build, the loader and the bindings end to end. Not a tensor op:
 * the CUDA backend proper comes later.
 */
public final class CudaAdd {
    private CudaAdd() {}

    /**
     * {@code a[i] + b[i]} computed by the pg_add_f32 kernel on the current CUDA device.
     *
     * @throws IllegalArgumentException if the lengths differ
     * @throws IllegalStateException    if libpanagrad_cuda.so is not loaded (the message says why)
     * @throws CudaException            if a CUDA call fails, naming the call and CUDA's error text;
     *                                  without a usable device that is the first pg_malloc
     */
    public static float[] addOnDevice(float[] a, float[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException("a has " + a.length + " elements but b has " + b.length);
        }
        CudaLibrary.requireLoaded();
        int n = a.length;
        if (n == 0) {
            return new float[0];
        }
        long bytes = (long) n * Float.BYTES;
        // Closed in reverse order: the device buffers are freed even when a step fails, and a
        // failing free is added to the first failure as suppressed instead of hiding it.
        try (Arena host = Arena.ofConfined();
             DeviceBuffer da = DeviceBuffer.allocate(bytes);
             DeviceBuffer db = DeviceBuffer.allocate(bytes);
             DeviceBuffer dout = DeviceBuffer.allocate(bytes)) {
            da.copyFrom(host.allocateFrom(C_FLOAT, a));
            db.copyFrom(host.allocateFrom(C_FLOAT, b));
            CudaErrors.check(pg_add_f32(da.address(), db.address(), dout.address(), n, MemorySegment.NULL),
                    "pg_add_f32(n=" + n + ") launch");
            // Launch errors show at the launch; errors inside the kernel show here.
            CudaErrors.check(pg_synchronize(), "pg_synchronize after pg_add_f32(n=" + n + ")");
            MemorySegment out = host.allocate(C_FLOAT, n);
            dout.copyTo(out);
            return out.toArray(C_FLOAT);
        }
    }
}
