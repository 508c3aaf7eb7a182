package dev.panagrad.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * OpenBLAS's {@code cblas_sgemm}, called through the FFM API, as the peer that
 * {@link GemmBench} measures in the same run as panagrad (benchmarks only: the library never
 * loads it). The library is Debian's {@code libopenblas0-pthread}, or the file named by the
 * system property {@code openblas.lib} (JMH: {@code -jvmArgsAppend -Dopenblas.lib=PATH}). Run the JVM without {@code OPENBLAS_CORETYPE}: set to
 * Haswell, as on this machine's shells, it halves OpenBLAS's speed ({@code bench/run-all.sh}
 * unsets it).
 */
final class OpenBlas {
    private OpenBlas() {}

    static final Path LIBRARY = Path.of(System.getProperty("openblas.lib",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"));

    private static final int ROW_MAJOR = 101, NO_TRANS = 111;
    private static MethodHandle sgemm, setThreads;

    /** Loads the library and sets its thread count; fails with what to install when it is missing. */
    static synchronized void load(int threads) {
        if (sgemm == null) {
            if (!Files.isReadable(LIBRARY)) {
                throw new IllegalStateException("OpenBLAS not found at " + LIBRARY + ": install libopenblas0-pthread, "
                        + "pass JMH -jvmArgsAppend -Dopenblas.lib=PATH, or run GemmBench with -p variant=panagrad");
            }
            SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            Linker linker = Linker.nativeLinker();
            sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(), FunctionDescriptor.ofVoid(
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT,
                    ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
            setThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(),
                    FunctionDescriptor.ofVoid(JAVA_INT));
        }
        try {
            setThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code C = A @ B} for row-major n x n float32 matrices. */
    static void sgemm(int n, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, n, n, n, 1f, a, n, b, n, 0f, c, n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
