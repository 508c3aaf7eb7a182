package dev.panagrad;

import dev.panagrad.backend.cuda.CudaLibrary;

import java.util.Optional;

/**
 * Whether this JVM can run panagrad on a CUDA GPU.
 * <p>
 * CUDA support needs three things: a panagrad build made with nvcc on the PATH (it puts
 * libpanagrad_cuda.so inside the jar), native access for panagrad
 * ({@code --enable-native-access=dev.panagrad} on the module path,
 * {@code --enable-native-access=ALL-UNNAMED} on the class path), and an NVIDIA driver with
 * at least one GPU. The first call of any method here checks them, once per JVM (thread-safe);
 * later calls return the same answer. None of these methods throws, whatever the machine:
 * <pre>{@code
 * if (!Cuda.isAvailable()) {
 *     System.err.println("running on the CPU: " + Cuda.unavailableReason().orElseThrow());
 * }
 * }</pre>
 */
public final class Cuda {
    private Cuda() {}

    /** Whether at least one CUDA device can be used. */
    public static boolean isAvailable() {
        return CudaLibrary.status().available();
    }

    /**
     * Why CUDA is unavailable, naming the step that failed and what to do, e.g.
     * "libpanagrad_cuda.so is not in this build (nvcc was not on the PATH when it was built): ..."
     * or "cudaGetDeviceCount failed with error 35: ... (no NVIDIA driver: ...)".
     *
     * @return the reason, or empty exactly when {@link #isAvailable()} is true
     */
    public static Optional<String> unavailableReason() {
        return CudaLibrary.status().unavailableReason();
    }

    /** The number of CUDA devices; 0 when CUDA is unavailable. */
    public static int deviceCount() {
        return CudaLibrary.status().deviceCount();
    }
}
