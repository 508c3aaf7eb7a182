package dev.panagrad;

import dev.panagrad.backend.Backend;
import dev.panagrad.internal.TensorAccess;
import dev.panagrad.memory.Storage;

import java.lang.foreign.MemorySegment;

/** The implementation of {@link TensorAccess} for the library's own packages. */
final class InternalAccess implements TensorAccess {
    @Override
    public MemorySegment segment(Tensor t) {
        t.checkAlive("internal access");
        return t.storage.segment();
    }

    @Override
    public long offset(Tensor t) {
        return t.offset;
    }

    @Override
    public Backend backend(Tensor t) {
        return t.backend;
    }

    @Override
    public Storage storage(Tensor t) {
        return t.storage;
    }

    @Override
    public Tensor ownGrad(Tensor t) {
        return t.grad;
    }

    @Override
    public void bumpVersion(Tensor t) {
        if (!ThreadState.get().inferenceMode) t.storage.bumpVersion();
    }

    @Override
    public Tensor wrap(Storage storage, Backend backend, DType dtype, int[] shape, long offset) {
        storage.retain();
        ThreadState ts = ThreadState.get();
        Scope prev = ts.scope;
        ts.scope = null;
        try {
            return new Tensor(storage, backend, dtype, shape.clone(), Shapes.contiguousStrides(shape), offset);
        } finally {
            ts.scope = prev;
        }
    }
}
