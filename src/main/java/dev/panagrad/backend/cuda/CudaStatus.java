package dev.panagrad.backend.cuda;

import java.util.Objects;
import java.util.Optional;

/**
 * What the one-time CUDA probe found ({@link CudaLibrary#status()}).
 *
 * @param stage          how far the probe got
 * @param deviceCount    CUDA devices found; 0 unless {@code stage} is {@link Stage#AVAILABLE}
 * @param errorCode      the error cudaGetDeviceCount returned (0 when it succeeded or was not reached)
 * @param reason         why CUDA is unavailable; empty when available
 */
public record CudaStatus(Stage stage, int deviceCount, int errorCode, String reason) {

    /** How far the probe got, in order: each stage past {@link #LOAD_FAILED} means the library is loaded. */
    public enum Stage {
        /** Not Linux x86-64, the only platform libpanagrad_cuda.so is built for. */
        UNSUPPORTED_PLATFORM,
        /** The build did not produce libpanagrad_cuda.so (nvcc was absent). */
        LIBRARY_MISSING,
        /** The library is there but could not be extracted, loaded or bound. */
        LOAD_FAILED,
        /** The library is loaded; cudaGetDeviceCount failed (typically: no driver, or one too old). */
        DEVICE_QUERY_FAILED,
        /** The library is loaded and the driver sees no device (0 devices, or cudaErrorNoDevice). */
        NO_DEVICE,
        /** At least one device. */
        AVAILABLE
    }

    /** Validates that the reason is empty exactly when available. */
    public CudaStatus {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
        if ((stage == Stage.AVAILABLE) != reason.isEmpty()) {
            throw new IllegalArgumentException("reason must be empty exactly when available: " + stage + ", '" + reason + "'");
        }
    }

    static CudaStatus unavailable(Stage stage, String reason) {
        return new CudaStatus(stage, 0, 0, reason);
    }

    /** Whether a CUDA device can be used. */
    public boolean available() {
        return stage == Stage.AVAILABLE;
    }

    /** Whether libpanagrad_cuda.so is loaded and its bindings are initialised (CUDA calls can be made). */
    public boolean libraryLoaded() {
        return stage.compareTo(Stage.DEVICE_QUERY_FAILED) >= 0;
    }

    /** The reason CUDA is unavailable, or empty when it is available. */
    public Optional<String> unavailableReason() {
        return reason.isEmpty() ? Optional.empty() : Optional.of(reason);
    }
}
