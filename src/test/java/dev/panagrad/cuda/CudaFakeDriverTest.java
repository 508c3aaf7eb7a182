package dev.panagrad.cuda;

import dev.panagrad.backend.cuda.CudaLibrary;
import dev.panagrad.backend.cuda.CudaStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The device-query reasons for driver states this machine does not have, without a GPU: a child
 * JVM runs the probe with LD_LIBRARY_PATH pointing at a fake libcuda.so.1 (two functions, built
 * here with the C compiler), which the statically linked cudart loads instead of the driver.
 */
class CudaFakeDriverTest {
    private Path cc;

    @BeforeEach
    void requireLibraryAndCompiler() {
        assumeTrue(BuiltLibrary.resource() != null,
                "libpanagrad_cuda.so is not in this build (nvcc was not on the PATH when it was built)");
        cc = BuiltLibrary.onPath("cc") != null ? BuiltLibrary.onPath("cc") : BuiltLibrary.onPath("gcc");
        assumeTrue(cc != null, "no C compiler (cc or gcc) on the PATH to build the fake driver");
    }

    @Test
    void aDriverOlderThanTheRuntimeIsNamedWithBothVersions(@TempDir Path tmp) throws Exception {
        Path dir = fakeDriver(tmp, 12040, 0);
        String[] status = probeInChildJvm(dir, Map.of());
        assertEquals("DEVICE_QUERY_FAILED", status[0], String.join(" | ", status));
        assertEquals("35", status[1]);
        assertTrue(status[2].startsWith("cudaGetDeviceCount failed with error 35: "), status[2]);
        assertTrue(status[2].contains("(the NVIDIA driver supports CUDA 12.4 but libpanagrad_cuda.so was built with"
                + " CUDA 1") && status[2].endsWith(": upgrade the driver)"), status[2]);
    }

    @Test
    void aDriverWithoutDevicesIsNoDevice(@TempDir Path tmp) throws Exception {
        Path dir = fakeDriver(tmp, 99000, 100); // cuInit -> CUDA_ERROR_NO_DEVICE
        String[] status = probeInChildJvm(dir, Map.of("CUDA_VISIBLE_DEVICES", ""));
        assertEquals("NO_DEVICE", status[0], String.join(" | ", status));
        assertEquals("100", status[1]);
        assertTrue(status[2].startsWith("no CUDA device found (cudaGetDeviceCount failed with error 100: "), status[2]);
        assertTrue(status[2].contains("CUDA_VISIBLE_DEVICES=\"\" limits which GPUs are visible"), status[2]);
    }

    /** A libcuda.so.1 whose cuDriverGetVersion reports {@code version} and whose cuInit returns {@code init}. */
    private Path fakeDriver(Path tmp, int version, int init) throws IOException, InterruptedException {
        Path source = tmp.resolve("fake_cuda.c");
        Files.writeString(source, """
                int cuDriverGetVersion(int *v) { *v = %d; return 0; }
                int cuInit(unsigned int flags) { (void) flags; return %d; }
                """.formatted(version, init));
        Path lib = tmp.resolve("libcuda.so.1");
        Process p = new ProcessBuilder(cc.toString(), "-shared", "-fPIC", "-o", lib.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "building the fake driver: " + out);
        return tmp;
    }

    /** Runs {@link Child} in a fresh JVM (the probe runs once per JVM) and returns stage, code, reason. */
    private static String[] probeInChildJvm(Path driverDir, Map<String, String> env) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Child.class.getName()));
        pb.environment().put("LD_LIBRARY_PATH", driverDir.toString());
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("status|")).findFirst()
                .orElseThrow(() -> new AssertionError("no status line from the child JVM: " + out));
        return line.substring("status|".length()).split("\\|", 3);
    }

    /** The child JVM: prints the probe's result on one line. */
    static final class Child {
        public static void main(String[] args) {
            CudaStatus s = CudaLibrary.status();
            System.out.println("status|" + s.stage() + "|" + s.errorCode() + "|" + s.reason());
        }
    }
}
