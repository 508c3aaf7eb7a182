package dev.panagrad.internal;

import dev.panagrad.DType;
import dev.panagrad.Tensor;
import dev.panagrad.backend.Backend;
import dev.panagrad.memory.Storage;

import java.lang.foreign.MemorySegment;

/**
 * What the library's own packages (nn, optim, io) may do with a tensor's internals that
 * users may not: reach its memory without a copy or a new object, update it in place
 * without autograd bookkeeping. Implemented in dev.panagrad; this package is not exported.
 */
public interface TensorAccess {
    /** The tensor's storage segment (the whole block: index it with {@link #offset}). */
    MemorySegment segment(Tensor t);

    /** The element offset of the tensor's first element in its storage. */
    long offset(Tensor t);

    Backend backend(Tensor t);

    Storage storage(Tensor t);

    /** The gradient the tensor owns (not an alias), or null. */
    Tensor ownGrad(Tensor t);

    /** Records an in-place change made through {@link #segment}. */
    void bumpVersion(Tensor t);

    /** A new contiguous tensor over {@code storage} (which it takes a reference on), outside any scope. */
    Tensor wrap(Storage storage, Backend backend, DType dtype, int[] shape, long offset);
}
