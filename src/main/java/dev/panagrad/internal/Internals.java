package dev.panagrad.internal;

import dev.panagrad.Tensor;

/** The hand-off point for {@link TensorAccess} (the pattern of the JDK's SharedSecrets). */
public final class Internals {
    private static volatile TensorAccess access;

    private Internals() {}

    /** Called once by Tensor's static initialiser. */
    public static void set(TensorAccess a) {
        if (access != null) throw new IllegalStateException("TensorAccess is already set");
        access = a;
    }

    /** The implementation, initialising Tensor first if needed. */
    public static TensorAccess tensors() {
        TensorAccess a = access;
        if (a == null) {
            try {
                Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = access;
        }
        return a;
    }
}
