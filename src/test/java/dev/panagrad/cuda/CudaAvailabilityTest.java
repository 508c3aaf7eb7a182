package dev.panagrad.cuda;

import dev.panagrad.Cuda;
import dev.panagrad.backend.cuda.CudaLibrary;
import dev.panagrad.backend.cuda.CudaStatus;
import dev.panagrad.backend.cuda.CudaStatus.Stage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Availability is decided once, without throwing, and an unavailable CUDA says exactly why. */
class CudaAvailabilityTest {

    @Test
    void availabilityIsDecidedWithoutThrowingAndIsConsistent() {
        boolean available = assertDoesNotThrow(Cuda::isAvailable);
        var reason = assertDoesNotThrow(Cuda::unavailableReason);
        int count = assertDoesNotThrow(Cuda::deviceCount);
        System.out.println("[cuda] available=" + available + ", devices=" + count
                + ", reason=" + reason.orElse("(none)"));

        assertEquals(available, reason.isEmpty(), "a reason exactly when unavailable");
        assertEquals(available, count > 0, "devices exactly when available");
        assertEquals(available, CudaLibrary.status().stage() == Stage.AVAILABLE);
    }

    @Test
    void decidedOnceForAllThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<CudaStatus>> asks = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                asks.add(CudaLibrary::status);
            }
            CudaStatus first = CudaLibrary.status();
            for (Future<CudaStatus> f : pool.invokeAll(asks)) {
                assertSame(first, f.get(), "every thread sees the one probe result");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unavailableReasonNamesTheFailedStep() {
        CudaStatus status = CudaLibrary.status();
        String reason = status.reason();
        switch (status.stage()) {
            case AVAILABLE -> assertTrue(reason.isEmpty());
            case UNSUPPORTED_PLATFORM -> assertTrue(reason.contains("only for Linux x86-64"), reason);
            case LIBRARY_MISSING -> assertTrue(reason.startsWith(
                    "libpanagrad_cuda.so is not in this build (nvcc was not on the PATH when it was built)"), reason);
            case LOAD_FAILED -> assertTrue(reason.startsWith("loading libpanagrad_cuda.so failed: ")
                    && reason.length() > "loading libpanagrad_cuda.so failed: ".length() + 10, reason);
            case DEVICE_QUERY_FAILED -> {
                assertTrue(reason.matches("cudaGetDeviceCount failed with error " + status.errorCode()
                        + ": [^()]+ \\(.+\\)"), reason);
                assertFalse(reason.contains("unrecognized error code"), reason);
                if (status.errorCode() == 35) {
                    // 35 = cudaErrorInsufficientDriver: say whether the driver is missing or too old.
                    assertTrue(reason.contains("no NVIDIA driver") || reason.contains("upgrade the driver"), reason);
                }
            }
            case NO_DEVICE -> assertTrue(reason.startsWith("no CUDA device found"), reason);
        }
    }

    @Test
    void aBuiltLibraryLoadsSoAnyFailureComesFromTheDeviceQuery() {
        CudaStatus status = CudaLibrary.status();
        if (status.stage() == Stage.UNSUPPORTED_PLATFORM) {
            return; // nothing is loaded on other platforms, by design
        }
        if (BuiltLibrary.resource() != null) {
            assertTrue(status.libraryLoaded(), "the build produced libpanagrad_cuda.so, so it must load and bind;"
                    + " instead: " + status.reason());
        } else {
            assertEquals(Stage.LIBRARY_MISSING, status.stage(), status.reason());
        }
    }

    @Test
    void nvccOnThePathMeansTheLibraryWasBuilt() {
        if (BuiltLibrary.onPath("nvcc") == null) {
            return; // then build.sh skipped it by design; CudaBuildScriptTest covers that path
        }
        assertNotNull(BuiltLibrary.resource(), "nvcc is on the PATH but target/classes has no"
                + " native/linux-x86_64/libpanagrad_cuda.so: run mvn process-classes (cuda-src/build.sh)");
    }
}
