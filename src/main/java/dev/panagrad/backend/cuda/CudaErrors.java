package dev.panagrad.backend.cuda;

import dev.panagrad.cuda.bindings.panagrad_cuda_h;

/** Turns cudaError_t codes into text and exceptions. Needs the library loaded. */
public final class CudaErrors {
    // cudaError_t values (driver_types.h) that get a hint saying what to do.
    static final int MEMORY_ALLOCATION = 2;
    static final int STUB_LIBRARY = 34;
    static final int INSUFFICIENT_DRIVER = 35;
    static final int NO_DEVICE = 100;
    static final int NO_KERNEL_IMAGE = 209;
    static final int ILLEGAL_ADDRESS = 700;

    private CudaErrors() {}

    /** Throws a {@link CudaException} naming {@code call} unless {@code code} is 0 (cudaSuccess). */
    public static void check(int code, String call) {
        if (code != 0) {
            throw new CudaException(call, code, errorString(code));
        }
    }

    /** CUDA's description of an error code (cudaGetErrorString). */
    public static String errorString(int code) {
        return panagrad_cuda_h.pg_error_string(code).getString(0);
    }

    /** "; what to do" for codes where that is clear, else "". */
    static String hint(int code) {
        return switch (code) {
            case MEMORY_ALLOCATION -> "; the GPU is out of memory: free tensors or use smaller batches";
            case STUB_LIBRARY -> "; a stub libcuda.so was loaded instead of the driver's: remove the CUDA"
                    + " toolkit's lib64/stubs directory from LD_LIBRARY_PATH";
            case INSUFFICIENT_DRIVER -> "; install an NVIDIA driver that supports the CUDA version panagrad was built"
                    + " with (Cuda.unavailableReason() says which)";
            case NO_DEVICE -> "; no GPU is visible to this process (check nvidia-smi and CUDA_VISIBLE_DEVICES)";
            case NO_KERNEL_IMAGE -> "; libpanagrad_cuda.so has code for sm_80 and sm_90 (and PTX for newer GPUs)"
                    + " only: this GPU is older than compute capability 8.0";
            case ILLEGAL_ADDRESS -> "; the CUDA context is now unusable: restart the JVM, and report this as a bug";
            default -> "";
        };
    }
}
