package dev.panagrad.backend.cuda;

import dev.panagrad.backend.cuda.CudaStatus.Stage;
import dev.panagrad.cuda.bindings.panagrad_cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.panagrad.cuda.bindings.panagrad_cuda_h.C_INT;

/** The last probe step: asks the loaded library how many devices there are, and says why when none. */
final class DeviceQuery {
    private DeviceQuery() {}

    static CudaStatus run() {
        int count;
        int err;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_INT);
            out.set(C_INT, 0, 0); // cudaGetDeviceCount leaves it untouched on failure
            err = panagrad_cuda_h.pg_device_count(out);
            count = out.get(C_INT, 0);
        }
        if (err == CudaErrors.NO_DEVICE || (err == 0 && count <= 0)) {
            String detail = err == 0 ? "the NVIDIA driver is installed but reports 0 devices"
                    : "cudaGetDeviceCount failed with error " + err + ": " + CudaErrors.errorString(err);
            return new CudaStatus(Stage.NO_DEVICE, 0, err,
                    "no CUDA device found (" + detail + visibleDevices() + "; check that nvidia-smi lists a GPU)");
        }
        if (err != 0) {
            String reason = "cudaGetDeviceCount failed with error " + err + ": " + CudaErrors.errorString(err)
                    + " (" + cause(err) + ")";
            return new CudaStatus(Stage.DEVICE_QUERY_FAILED, 0, err, reason);
        }
        return new CudaStatus(Stage.AVAILABLE, count, 0, "");
    }

    /** The likely cause of a failed device query, and what to do about it. */
    private static String cause(int err) {
        return switch (err) {
            case CudaErrors.INSUFFICIENT_DRIVER -> driverCause();
            case CudaErrors.STUB_LIBRARY -> "a stub libcuda.so was loaded instead of the NVIDIA driver's: remove the"
                    + " CUDA toolkit's lib64/stubs directory from LD_LIBRARY_PATH";
            default -> "check that nvidia-smi works on this machine";
        };
    }

    /** Error 35 means either no driver at all or one too old for the runtime we link; tell which. */
    private static String driverCause() {
        int driver = version(true);
        int runtime = version(false);
        if (driver <= 0) {
            return "no NVIDIA driver: libcuda.so.1 was not found; install the NVIDIA driver,"
                    + " or run on a machine with an NVIDIA GPU";
        }
        return "the NVIDIA driver supports CUDA " + dotted(driver) + " but libpanagrad_cuda.so was built with CUDA "
                + dotted(runtime) + ": upgrade the driver";
    }

    /** cudaDriverGetVersion / cudaRuntimeGetVersion; 0 when unknown. */
    private static int version(boolean driver) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_INT);
            out.set(C_INT, 0, 0);
            int err = driver ? panagrad_cuda_h.pg_driver_version(out) : panagrad_cuda_h.pg_runtime_version(out);
            return err == 0 ? out.get(C_INT, 0) : 0;
        }
    }

    /** 12040 -> "12.4". */
    private static String dotted(int version) {
        return version <= 0 ? "(unknown)" : version / 1000 + "." + version % 1000 / 10;
    }

    private static String visibleDevices() {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        return visible == null ? "" : "; CUDA_VISIBLE_DEVICES=\"" + visible + "\" limits which GPUs are visible";
    }
}
