package dev.panagrad.cuda;

import dev.panagrad.backend.cuda.CudaErrors;
import dev.panagrad.backend.cuda.CudaLibrary;
import dev.panagrad.cuda.bindings.panagrad_cuda_h;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static dev.panagrad.cuda.bindings.panagrad_cuda_h.C_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The built libpanagrad_cuda.so exports exactly the pg_* API, and the bindings call into it. */
class CudaLibraryExportsTest {
    private Path library;

    @BeforeEach
    void requireBuiltLibrary() {
        assumeTrue(BuiltLibrary.resource() != null,
                "libpanagrad_cuda.so is not in this build (nvcc was not on the PATH when it was built)");
        library = BuiltLibrary.path();
    }

    @Test
    void everyHeaderFunctionIsExportedAndCudartIsNot() throws IOException {
        List<String> functions = HeaderFunctions.parse().stream().map(HeaderFunctions.Function::name).toList();
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lookup = loadLibrary(library, arena);
            for (String name : functions) {
                assertTrue(lookup.find(name).isPresent(), name + " is declared in panagrad_cuda.h but not exported");
            }
            // The statically linked cudart must stay hidden (exports.map, -fvisibility=hidden).
            for (String name : List.of("cudaMalloc", "cudaGetDeviceCount", "cudaGetErrorString", "__cudaRegisterFatBinary")) {
                assertTrue(lookup.find(name).isEmpty(), name + " leaks out of libpanagrad_cuda.so");
            }
        }
        assertEquals(new TreeSet<>(functions), new TreeSet<>(CudaLibrary.SYMBOLS),
                "CudaLibrary.SYMBOLS must list the header's functions");
    }

    @Test
    void nmShowsOnlyPgSymbolsInTheDynamicTable() throws Exception {
        Path nm = BuiltLibrary.onPath("nm");
        assumeTrue(nm != null, "nm (binutils) is not on the PATH");
        Process p = new ProcessBuilder(nm.toString(), "-D", "--defined-only", library.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Set<String> defined = new TreeSet<>();
        for (String line : out.strip().split("\n")) {
            String[] fields = line.trim().split("\\s+");
            defined.add(fields[fields.length - 1]);
        }
        Set<String> expected = new TreeSet<>(HeaderFunctions.parse().stream().map(HeaderFunctions.Function::name).toList());
        assertEquals(expected, defined, "nm -D --defined-only " + library);
    }

    @Test
    void bindingsCallIntoTheLibrary() {
        assumeTrue(CudaLibrary.status().libraryLoaded(), () -> "not loaded: " + CudaLibrary.status().reason());
        assertEquals("no error", CudaErrors.errorString(0));
        assertEquals("out of memory", CudaErrors.errorString(2));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(C_INT);
            assertEquals(0, panagrad_cuda_h.pg_runtime_version(version));
            assertTrue(version.get(C_INT, 0) >= 12000, "CUDA runtime version " + version.get(C_INT, 0));
        }
        // An unknown copy direction is refused, not silently treated as device-to-device.
        int err = panagrad_cuda_h.pg_memcpy(MemorySegment.NULL, MemorySegment.NULL, 0, 7);
        assertEquals("invalid copy direction for memcpy", CudaErrors.errorString(err));
        // n = 0 returns before launching: links the kernel launcher's descriptor with or without a GPU.
        assertEquals(0, panagrad_cuda_h.pg_add_f32(MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, 0,
                MemorySegment.NULL));
    }

    @SuppressWarnings("restricted")
    private static SymbolLookup loadLibrary(Path path, Arena arena) {
        return SymbolLookup.libraryLookup(path, arena);
    }
}
