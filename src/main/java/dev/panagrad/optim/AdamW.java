package dev.panagrad.optim;

import dev.panagrad.Tensor;

import java.util.List;

/** Adam with decoupled weight decay (the parameter shrinks by lr*wd before the Adam step), default wd 0.01. */
public final class AdamW extends Adam {
    /** AdamW's defaults (weight decay 0.01) with a learning rate. */
    public static Options options(double lr) {
        return new Options(lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    public AdamW(List<Tensor> params, Options options) {
        super(List.of(ParamGroup.of(params, options)), true);
    }

    public AdamW(List<Tensor> params, double lr) {
        this(params, options(lr));
    }

    public AdamW(List<ParamGroup<Options>> groups) {
        super(groups, true);
    }
}
