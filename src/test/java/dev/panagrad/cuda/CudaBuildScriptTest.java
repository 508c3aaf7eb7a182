package dev.panagrad.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** cuda-src/build.sh without nvcc: one line, exit 0, no library (the build of a machine without CUDA). */
class CudaBuildScriptTest {
    static final String SKIP_LINE =
            "panagrad: nvcc not found on PATH; skipping libpanagrad_cuda.so (the CUDA backend will be unavailable)";

    @Test
    void withoutNvccBuildShPrintsOneSkipLineAndBuildsNothing(@TempDir Path tmp) throws Exception {
        Path bash = bash();
        assumeTrue(bash != null, "bash is not installed");
        String path = pathWithoutNvcc();
        Path out = tmp.resolve("native");

        // First make sure the stripped PATH really hides nvcc, or the test would prove nothing.
        Result probe = run(List.of(bash.toString(), "-c", "command -v nvcc"), path);
        assertNotEquals(0, probe.exit, "nvcc is still found with PATH=" + path + ": " + probe.output);

        Path script = BuiltLibrary.projectDir().resolve("cuda-src/build.sh");
        Result result = run(List.of(bash.toString(), script.toString(), out.toString()), path);

        assertEquals(0, result.exit, result.output);
        assertEquals(SKIP_LINE, result.output.strip(), "build.sh output with PATH=" + path);
        assertFalse(Files.exists(out.resolve("libpanagrad_cuda.so")), "no library without nvcc");
    }

    @Test
    void withoutAnOutputDirectoryBuildShFailsWithUsage() throws Exception {
        Path bash = bash();
        assumeTrue(bash != null, "bash is not installed");
        Path script = BuiltLibrary.projectDir().resolve("cuda-src/build.sh");
        Result result = run(List.of(bash.toString(), script.toString()), System.getenv("PATH"));
        assertNotEquals(0, result.exit);
        assertTrue(result.output.contains("usage: build.sh OUTPUT_DIR"), result.output);
    }

    private static Path bash() {
        Path onPath = BuiltLibrary.onPath("bash");
        if (onPath != null) {
            return onPath;
        }
        Path bin = Path.of("/bin/bash");
        return Files.isExecutable(bin) ? bin : null;
    }

    /** The current PATH minus every directory holding an nvcc (build.sh needs no other tool before its check). */
    private static String pathWithoutNvcc() {
        List<String> kept = new ArrayList<>();
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && !Files.exists(Path.of(dir, "nvcc"))) {
                kept.add(dir);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, String path) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", path);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), output);
    }
}
