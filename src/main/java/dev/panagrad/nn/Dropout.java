package dev.panagrad.nn;

import dev.panagrad.F;
import dev.panagrad.Tensor;

/** Zeroes elements with probability p in training mode (scaling the rest by 1/(1-p)); the identity in eval mode. */
public class Dropout extends Module {
    private final double p;

    public Dropout() {
        this(0.5);
    }

    public Dropout(double p) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        this.p = p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining());
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }
}
