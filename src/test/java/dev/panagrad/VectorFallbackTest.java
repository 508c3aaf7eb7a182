package dev.panagrad;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program started without {@code --add-modules jdk.incubator.vector} prints one warning
 * naming the flag and computes the same results with the scalar kernels. Checked by starting
 * child JVMs (the same java binary and class path as this test) that run
 * {@link VectorFallbackMain}, and comparing their printed results with this JVM's, which
 * uses the Vector API (the build's test JVM has the flag).
 */
class VectorFallbackTest {
    private static final String WARNING = "panagrad: WARNING";
    private static Map<String, double[]> inProcess;

    private record Run(int exitCode, String stdout, String stderr) {}

    @BeforeAll
    static void computeHere() {
        inProcess = VectorFallbackMain.compute();
    }

    private static Run runChild(String... jvmArgs) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(VectorFallbackMain.class.getName());
        Path out = Files.createTempFile("panagrad-child", ".out"), err = Files.createTempFile("panagrad-child", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the child JVM did not finish in 120 s: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Map<String, double[]> parse(String stdout) {
        Map<String, double[]> r = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            if (line.isBlank() || line.startsWith("vectorized=")) continue;
            String[] parts = line.trim().split(" ");
            double[] v = new double[parts.length - 1];
            for (int i = 1; i < parts.length; i++) v[i - 1] = Double.parseDouble(parts[i]);
            r.put(parts[0], v);
        }
        return r;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Scalar and vector kernels may round differently (exp, tanh, summation order), by a few float32 ulps. */
    private static void assertSameResults(Map<String, double[]> expected, Map<String, double[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            double[] e = expected.get(k), a = actual.get(k);
            assertEquals(e.length, a.length, k);
            double rtol = k.startsWith("f64") || k.equals("log_softmax") ? 1e-13 : 1e-5;
            // A dot product of 33 randn pairs cancels: its error scales with the terms (about 1), not the result.
            double floor = k.equals("matmul") ? 1.0 : 1e-3;
            for (int i = 0; i < e.length; i++) {
                assertTrue(Math.abs(e[i] - a[i]) <= rtol * (Math.abs(e[i]) + floor),
                        k + "[" + i + "]: vectorized " + e[i] + ", scalar fallback " + a[i]);
            }
        }
    }

    @Test
    void thisJvmUsesTheVectorApi() {
        assertTrue(Parallelism.vectorized(), "the build runs tests with --add-modules jdk.incubator.vector");
    }

    @Test
    void withoutTheModuleOneWarningNamesTheFlagAndTheScalarKernelsAgree() throws Exception {
        Run r = runChild("--enable-native-access=ALL-UNNAMED");
        assertEquals(0, r.exitCode(), "stdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
        assertEquals(1, count(r.stderr(), WARNING), "exactly one warning:\n" + r.stderr());
        assertTrue(r.stderr().contains("--add-modules jdk.incubator.vector"), r.stderr());
        assertTrue(r.stdout().startsWith("vectorized=false\n"), r.stdout());
        assertSameResults(inProcess, parse(r.stdout()));
    }

    @Test
    void theFallbackCanBeForcedWithTheModulePresent() throws Exception {
        Run r = runChild("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dpanagrad.vector=false");
        assertEquals(0, r.exitCode(), "stdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
        assertTrue(r.stdout().startsWith("vectorized=false\n"), r.stdout());
        assertFalse(r.stderr().contains(WARNING), "asking for the fallback is not warned about:\n" + r.stderr());
        assertSameResults(inProcess, parse(r.stdout()));
    }
}
