package dev.panagrad.cuda;

import dev.panagrad.Cuda;
import dev.panagrad.backend.cuda.CudaAdd;
import dev.panagrad.backend.cuda.CudaErrors;
import dev.panagrad.backend.cuda.CudaException;
import dev.panagrad.backend.cuda.CudaLibrary;
import dev.panagrad.backend.cuda.CudaStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The pg_add_f32 round trip (malloc, copy in, launch, synchronise, copy out, free) against the CPU. */
class CudaAddTest {

    @BeforeAll
    static void sayWhyGpuChecksSkip() {
        // Surefire's console lists skips without their reason; print it once so a CI log shows it.
        Cuda.unavailableReason().ifPresent(r ->
                System.out.println("[cuda] CudaAddTest: the GPU round trips skip: CUDA unavailable: " + r));
    }

    /**
     * 12_345 is odd and not a multiple of the 256-thread block; 16_777_223 (2^24 + 7) needs more
     * than the kernel's 65535 x 256 threads, so the grid-stride loop runs a second pass.
     */
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 1000, 1 << 20, 12_345, (1 << 24) + 7})
    void addOnDeviceMatchesTheCpuSum(int n) {
        assumeTrue(Cuda.isAvailable(), () -> "CUDA unavailable: " + Cuda.unavailableReason().orElse("?"));
        Random random = new Random(42L + n);
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (random.nextFloat() - 0.5f) * 2e6f;
            b[i] = random.nextFloat() * 1e-3f + i;
        }
        float[] aBefore = a.clone();
        float[] bBefore = b.clone();
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = a[i] + b[i];
        }

        float[] actual = CudaAdd.addOnDevice(a, b);

        // One IEEE round-to-nearest float add on both sides: the results must be bit-identical.
        assertArrayEquals(expected, actual);
        assertArrayEquals(aBefore, a, "inputs are not modified");
        assertArrayEquals(bBefore, b, "inputs are not modified");
    }

    @Test
    void lengthsMustMatch() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CudaAdd.addOnDevice(new float[3], new float[4]));
        assertEquals("a has 3 elements but b has 4", e.getMessage());
    }

    /**
     * Without a GPU the same round trip must fail cleanly: an exception naming the first CUDA
     * call and CUDA's error text (library loaded), or the unavailability reason (not loaded).
     */
    @Test
    void withoutADeviceTheRoundTripFailsNamingTheCall() {
        assumeFalse(Cuda.isAvailable(), "a CUDA device is available; addOnDeviceMatchesTheCpuSum covers it");
        CudaStatus status = CudaLibrary.status();
        if (!status.libraryLoaded()) {
            var e = assertThrows(IllegalStateException.class, () -> CudaAdd.addOnDevice(new float[4], new float[4]));
            assertEquals("CUDA is unavailable: " + status.reason(), e.getMessage());
            return;
        }
        var e = assertThrows(CudaException.class, () -> CudaAdd.addOnDevice(new float[1000], new float[1000]));
        System.out.println("[cuda] without a device: " + e.getMessage());
        assertEquals("pg_malloc(4000 bytes)", e.call());
        assertNotEquals(0, e.code());
        String text = CudaErrors.errorString(e.code());
        assertTrue(e.getMessage().startsWith("pg_malloc(4000 bytes) failed with CUDA error " + e.code() + ": " + text),
                e.getMessage());
        if (status.errorCode() != 0) {
            assertEquals(status.errorCode(), e.code(), "the device query's error, met again at the first malloc");
        }
    }
}
