package dev.panagrad.nn;

import dev.panagrad.F;
import dev.panagrad.Tensor;

/** A lookup table of {@code num} vectors of size {@code dim}, initialised N(0, 1) as PyTorch does. */
public class Embedding extends Module {
    private final int num, dim;

    public Embedding(int num, int dim) {
        this.num = num;
        this.dim = dim;
        registerParameter("weight", Init.normal(1.0, num, dim));
    }

    public Tensor weight() {
        return parameter("weight");
    }

    /** Rows for int64 ids of any shape. */
    @Override
    public Tensor forward(Tensor ids) {
        return F.embedding(ids, weight());
    }

    @Override
    protected String extraRepr() {
        return num + ", " + dim;
    }
}
