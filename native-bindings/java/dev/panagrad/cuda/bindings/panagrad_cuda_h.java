// Hand-written in the shape jextract 22+ generates from cuda-src/panagrad_cuda.h; see
// native-bindings/README.md for the command that regenerates it and the one hand edit
// (SYMBOL_LOOKUP is supplied at run time through init). Keep it in step with the header:
// CudaBindingsMatchHeaderTest compares the two.

package dev.panagrad.cuda.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * FFM bindings of {@code panagrad_cuda.h} (libpanagrad_cuda.so). Call {@link #init} once with
 * a lookup over the loaded library before calling any function.
 */
@SuppressWarnings("restricted")
public class panagrad_cuda_h {

    panagrad_cuda_h() {
        // Should not be called directly
    }

    static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

    static void traceDowncall(String name, Object... args) {
         String traceArgs = Arrays.stream(args)
                       .map(Object::toString)
                       .collect(Collectors.joining(", "));
         System.out.printf("%s(%s)\n", name, traceArgs);
    }

    // --- Hand edit: jextract emits `static final SymbolLookup SYMBOL_LOOKUP = <fixed lookup>;`.
    // The library is extracted from the jar at run time, so its path is known only then;
    // the loader (dev.panagrad.backend.cuda.CudaLibrary) supplies the lookup here instead.
    private static SymbolLookup SYMBOL_LOOKUP;

    /**
     * Supplies the lookup the functions below are resolved in. Call once, before the first
     * call of any function; each function's symbol is resolved on its first use.
     *
     * @throws IllegalStateException if called again with a different lookup
     */
    public static synchronized void init(SymbolLookup lookup) {
        Objects.requireNonNull(lookup, "lookup");
        if (SYMBOL_LOOKUP != null && SYMBOL_LOOKUP != lookup) {
            throw new IllegalStateException("panagrad_cuda_h is already bound to another SymbolLookup");
        }
        SYMBOL_LOOKUP = lookup;
    }

    static synchronized MemorySegment findOrThrow(String symbol) {
        if (SYMBOL_LOOKUP == null) {
            throw new IllegalStateException("panagrad_cuda_h.init(SymbolLookup) must be called before " + symbol);
        }
        return SYMBOL_LOOKUP.find(symbol)
            .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }
    // --- End of hand edit.

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;

    private static final int PG_MEMCPY_HOST_TO_DEVICE = (int)1L;
    /**
     * {@snippet lang=c :
     * #define PG_MEMCPY_HOST_TO_DEVICE 1
     * }
     */
    public static int PG_MEMCPY_HOST_TO_DEVICE() {
        return PG_MEMCPY_HOST_TO_DEVICE;
    }
    private static final int PG_MEMCPY_DEVICE_TO_HOST = (int)2L;
    /**
     * {@snippet lang=c :
     * #define PG_MEMCPY_DEVICE_TO_HOST 2
     * }
     */
    public static int PG_MEMCPY_DEVICE_TO_HOST() {
        return PG_MEMCPY_DEVICE_TO_HOST;
    }
    private static final int PG_MEMCPY_DEVICE_TO_DEVICE = (int)3L;
    /**
     * {@snippet lang=c :
     * #define PG_MEMCPY_DEVICE_TO_DEVICE 3
     * }
     */
    public static int PG_MEMCPY_DEVICE_TO_DEVICE() {
        return PG_MEMCPY_DEVICE_TO_DEVICE;
    }

    private static class pg_device_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_POINTER
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_device_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_device_count(int *count)
     * }
     */
    public static FunctionDescriptor pg_device_count$descriptor() {
        return pg_device_count.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_device_count(int *count)
     * }
     */
    public static MethodHandle pg_device_count$handle() {
        return pg_device_count.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_device_count(int *count)
     * }
     */
    public static MemorySegment pg_device_count$address() {
        return pg_device_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_device_count(int *count)
     * }
     */
    public static int pg_device_count(MemorySegment count) {
        var mh$ = pg_device_count.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_device_count", count);
            }
            return (int)mh$.invokeExact(count);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_driver_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_POINTER
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_driver_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_driver_version(int *version)
     * }
     */
    public static FunctionDescriptor pg_driver_version$descriptor() {
        return pg_driver_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_driver_version(int *version)
     * }
     */
    public static MethodHandle pg_driver_version$handle() {
        return pg_driver_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_driver_version(int *version)
     * }
     */
    public static MemorySegment pg_driver_version$address() {
        return pg_driver_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_driver_version(int *version)
     * }
     */
    public static int pg_driver_version(MemorySegment version) {
        var mh$ = pg_driver_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_driver_version", version);
            }
            return (int)mh$.invokeExact(version);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_runtime_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_POINTER
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_runtime_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_runtime_version(int *version)
     * }
     */
    public static FunctionDescriptor pg_runtime_version$descriptor() {
        return pg_runtime_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_runtime_version(int *version)
     * }
     */
    public static MethodHandle pg_runtime_version$handle() {
        return pg_runtime_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_runtime_version(int *version)
     * }
     */
    public static MemorySegment pg_runtime_version$address() {
        return pg_runtime_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_runtime_version(int *version)
     * }
     */
    public static int pg_runtime_version(MemorySegment version) {
        var mh$ = pg_runtime_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_runtime_version", version);
            }
            return (int)mh$.invokeExact(version);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_set_device {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_INT
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_set_device");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_set_device(int device)
     * }
     */
    public static FunctionDescriptor pg_set_device$descriptor() {
        return pg_set_device.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_set_device(int device)
     * }
     */
    public static MethodHandle pg_set_device$handle() {
        return pg_set_device.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_set_device(int device)
     * }
     */
    public static MemorySegment pg_set_device$address() {
        return pg_set_device.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_set_device(int device)
     * }
     */
    public static int pg_set_device(int device) {
        var mh$ = pg_set_device.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_set_device", device);
            }
            return (int)mh$.invokeExact(device);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_malloc {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_POINTER,
            panagrad_cuda_h.C_LONG
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_malloc");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_malloc(void **ptr, size_t bytes)
     * }
     */
    public static FunctionDescriptor pg_malloc$descriptor() {
        return pg_malloc.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_malloc(void **ptr, size_t bytes)
     * }
     */
    public static MethodHandle pg_malloc$handle() {
        return pg_malloc.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_malloc(void **ptr, size_t bytes)
     * }
     */
    public static MemorySegment pg_malloc$address() {
        return pg_malloc.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_malloc(void **ptr, size_t bytes)
     * }
     */
    public static int pg_malloc(MemorySegment ptr, long bytes) {
        var mh$ = pg_malloc.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_malloc", ptr, bytes);
            }
            return (int)mh$.invokeExact(ptr, bytes);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_POINTER
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_free(void *ptr)
     * }
     */
    public static FunctionDescriptor pg_free$descriptor() {
        return pg_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_free(void *ptr)
     * }
     */
    public static MethodHandle pg_free$handle() {
        return pg_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_free(void *ptr)
     * }
     */
    public static MemorySegment pg_free$address() {
        return pg_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_free(void *ptr)
     * }
     */
    public static int pg_free(MemorySegment ptr) {
        var mh$ = pg_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_free", ptr);
            }
            return (int)mh$.invokeExact(ptr);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_memcpy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_POINTER,
            panagrad_cuda_h.C_POINTER,
            panagrad_cuda_h.C_LONG,
            panagrad_cuda_h.C_INT
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_memcpy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_memcpy(void *dst, const void *src, size_t bytes, int kind)
     * }
     */
    public static FunctionDescriptor pg_memcpy$descriptor() {
        return pg_memcpy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_memcpy(void *dst, const void *src, size_t bytes, int kind)
     * }
     */
    public static MethodHandle pg_memcpy$handle() {
        return pg_memcpy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_memcpy(void *dst, const void *src, size_t bytes, int kind)
     * }
     */
    public static MemorySegment pg_memcpy$address() {
        return pg_memcpy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_memcpy(void *dst, const void *src, size_t bytes, int kind)
     * }
     */
    public static int pg_memcpy(MemorySegment dst, MemorySegment src, long bytes, int kind) {
        var mh$ = pg_memcpy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_memcpy", dst, src, bytes, kind);
            }
            return (int)mh$.invokeExact(dst, src, bytes, kind);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_synchronize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_synchronize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_synchronize()
     * }
     */
    public static FunctionDescriptor pg_synchronize$descriptor() {
        return pg_synchronize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_synchronize()
     * }
     */
    public static MethodHandle pg_synchronize$handle() {
        return pg_synchronize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_synchronize()
     * }
     */
    public static MemorySegment pg_synchronize$address() {
        return pg_synchronize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_synchronize()
     * }
     */
    public static int pg_synchronize() {
        var mh$ = pg_synchronize.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_synchronize");
            }
            return (int)mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_error_string {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_POINTER,
            panagrad_cuda_h.C_INT
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_error_string");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *pg_error_string(int code)
     * }
     */
    public static FunctionDescriptor pg_error_string$descriptor() {
        return pg_error_string.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *pg_error_string(int code)
     * }
     */
    public static MethodHandle pg_error_string$handle() {
        return pg_error_string.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *pg_error_string(int code)
     * }
     */
    public static MemorySegment pg_error_string$address() {
        return pg_error_string.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *pg_error_string(int code)
     * }
     */
    public static MemorySegment pg_error_string(int code) {
        var mh$ = pg_error_string.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_error_string", code);
            }
            return (MemorySegment)mh$.invokeExact(code);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class pg_add_f32 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            panagrad_cuda_h.C_INT,
            panagrad_cuda_h.C_POINTER,
            panagrad_cuda_h.C_POINTER,
            panagrad_cuda_h.C_POINTER,
            panagrad_cuda_h.C_LONG,
            panagrad_cuda_h.C_POINTER
        );

        public static final MemorySegment ADDR = panagrad_cuda_h.findOrThrow("pg_add_f32");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int pg_add_f32(const float *a, const float *b, float *out, int64_t n, void *stream)
     * }
     */
    public static FunctionDescriptor pg_add_f32$descriptor() {
        return pg_add_f32.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int pg_add_f32(const float *a, const float *b, float *out, int64_t n, void *stream)
     * }
     */
    public static MethodHandle pg_add_f32$handle() {
        return pg_add_f32.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int pg_add_f32(const float *a, const float *b, float *out, int64_t n, void *stream)
     * }
     */
    public static MemorySegment pg_add_f32$address() {
        return pg_add_f32.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int pg_add_f32(const float *a, const float *b, float *out, int64_t n, void *stream)
     * }
     */
    public static int pg_add_f32(MemorySegment a, MemorySegment b, MemorySegment out, long n, MemorySegment stream) {
        var mh$ = pg_add_f32.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("pg_add_f32", a, b, out, n, stream);
            }
            return (int)mh$.invokeExact(a, b, out, n, stream);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
}
