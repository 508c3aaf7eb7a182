package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

/**
 * Chooses between the Vector API kernels and the scalar fallback, once. The Vector API
 * lives in the incubating module {@code jdk.incubator.vector}: a program on the module
 * path gets it through our module-info; a class-path program must add
 * {@code --add-modules jdk.incubator.vector} and, if it forgot, gets one warning and
 * correct (slower) scalar kernels instead of a NoClassDefFoundError.
 * {@code -Dpanagrad.vector=false} forces the fallback.
 */
final class KernelSelection {
    static final boolean VECTOR_API = detect();
    static final Kernels1D F32;
    static final Kernels1D F64;

    static {
        if (VECTOR_API) {
            F32 = VectorKernelFactory.float32();
            F64 = VectorKernelFactory.float64();
        } else {
            F32 = new FloatScalarKernels();
            F64 = new DoubleScalarKernels();
        }
    }

    private KernelSelection() {}

    private static boolean detect() {
        if (!Boolean.parseBoolean(System.getProperty("panagrad.vector", "true"))) return false;
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            System.err.println("panagrad: WARNING: the Vector API (module jdk.incubator.vector) is not "
                    + "available, so CPU kernels run as scalar Java, several times slower. Add "
                    + "--add-modules jdk.incubator.vector to the java command line.");
        }
        return present;
    }

    static Kernels1D of(DType dt) {
        return switch (dt) {
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
            case INT64 -> LongKernels.INSTANCE;
            case BOOL -> BoolKernels.INSTANCE;
        };
    }

    /** Only loaded when the module is present, so its references to jdk.incubator.vector resolve. */
    private static final class VectorKernelFactory {
        static Kernels1D float32() {
            return new FloatVectorKernels();
        }

        static Kernels1D float64() {
            return new DoubleVectorKernels();
        }
    }
}
