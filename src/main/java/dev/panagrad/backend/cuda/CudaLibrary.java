package dev.panagrad.backend.cuda;

import dev.panagrad.backend.cuda.CudaStatus.Stage;
import dev.panagrad.cuda.bindings.panagrad_cuda_h;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads libpanagrad_cuda.so and decides, once per JVM, whether CUDA is available.
 * <p>
 * The probe runs on the first call of {@link #status()}; class initialisation makes it run
 * exactly once even when many threads ask at the same time. Its steps: the platform is Linux
 * x86-64; the build put the library among the classes; it loads (extracted to a temp file
 * first when inside a jar); it exports every symbol the bindings need; cudaGetDeviceCount
 * succeeds with at least one device. The first step that fails gives the reason. The probe
 * never throws and never lets a native failure take the JVM down: the library's code runs
 * only after it loaded and bound cleanly, and then only calls that return error codes.
 */
public final class CudaLibrary {
    /** The functions of panagrad_cuda.h; all must be exported or the library counts as not loaded. */
    public static final List<String> SYMBOLS = List.of(
            "pg_device_count", "pg_driver_version", "pg_runtime_version", "pg_set_device", "pg_malloc",
            "pg_free", "pg_memcpy", "pg_synchronize", "pg_error_string", "pg_add_f32");

    private CudaLibrary() {}

    /** The probe's result, computed on the first call. Never throws. */
    public static CudaStatus status() {
        return Probed.STATUS;
    }

    /** Throws {@link IllegalStateException} with the reason unless the library is loaded and bound. */
    public static void requireLoaded() {
        CudaStatus status = status();
        if (!status.libraryLoaded()) {
            throw new IllegalStateException("CUDA is unavailable: " + status.reason());
        }
    }

    /** Holder idiom: the JVM initialises this class once, under its class-initialisation lock. */
    private static final class Probed {
        static final CudaStatus STATUS = probeSafely();
    }

    private static CudaStatus probeSafely() {
        try {
            return probe();
        } catch (Throwable t) {
            // Deliberately broad: an availability check must answer, not throw (and a throw here
            // would leave Probed permanently unusable with NoClassDefFoundError).
            return CudaStatus.unavailable(Stage.LOAD_FAILED, "probing CUDA failed unexpectedly: " + t
                    + "; please report this as a bug");
        }
    }

    @SuppressWarnings("restricted") // SymbolLookup.libraryLookup; native access is enabled by a JVM flag
    private static CudaStatus probe() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return CudaStatus.unavailable(Stage.UNSUPPORTED_PLATFORM, LibraryFile.NAME
                    + " is built only for Linux x86-64, and this JVM runs on " + os + " " + arch);
        }
        URL url = LibraryFile.find();
        if (url == null) {
            return CudaStatus.unavailable(Stage.LIBRARY_MISSING, LibraryFile.NAME + " is not in this build (nvcc was"
                    + " not on the PATH when it was built): install the CUDA toolkit and rebuild panagrad with"
                    + " nvcc on the PATH");
        }
        Path path;
        try {
            path = LibraryFile.materialize(url);
        } catch (IOException e) {
            return loadFailed("extracting it from " + url + " failed: " + e
                    + "; check that java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ") is writable");
        }
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalCallerException e) {
            return loadFailed(e.getMessage() + "; start java with --enable-native-access=dev.panagrad"
                    + " (module path) or --enable-native-access=ALL-UNNAMED (class path)");
        } catch (IllegalArgumentException e) {
            String hint = LibraryFile.isExtracted(url)
                    ? "; if java.io.tmpdir is mounted noexec, point -Djava.io.tmpdir at a directory that allows execution"
                    : "; ldd " + path + " shows which of its dependencies are missing";
            return loadFailed(dlopenError(path, e) + hint);
        }
        for (String symbol : SYMBOLS) {
            if (lookup.find(symbol).isEmpty()) {
                return loadFailed(path + " does not export " + symbol + ", so it was built from another panagrad_cuda.h:"
                        + " rebuild with mvn clean process-classes");
            }
        }
        panagrad_cuda_h.init(lookup);
        return DeviceQuery.run();
    }

    private static CudaStatus loadFailed(String detail) {
        return CudaStatus.unavailable(Stage.LOAD_FAILED, "loading " + LibraryFile.NAME + " failed: " + detail);
    }

    /**
     * libraryLookup reports only "Cannot open library"; System.load of the same file fails too
     * but carries dlerror's text (a missing dependency, a GLIBC version, a bad ELF file).
     */
    @SuppressWarnings("restricted")
    private static String dlopenError(Path path, IllegalArgumentException original) {
        try {
            System.load(path.toString());
        } catch (UnsatisfiedLinkError e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            // fall through to the original message
        }
        return original.getMessage();
    }
}
