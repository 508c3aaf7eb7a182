package dev.panagrad.optim;

import java.util.ArrayList;
import java.util.List;

/** Changes the learning rates of an optimizer's groups once per {@link #step()} (usually per epoch). */
public abstract class LRScheduler {
    private final Optimizer<?> optimizer;
    private final double[] baseLrs;
    private int epoch;

    LRScheduler(Optimizer<?> optimizer) {
        this.optimizer = optimizer;
        this.baseLrs = optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
    }

    /** The learning rate of a group with initial rate {@code base} after {@code epoch} steps. */
    abstract double lrAt(double base, int epoch);

    /** Advances one epoch and updates every group's learning rate. */
    public void step() {
        epoch++;
        List<? extends ParamGroup<?>> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size() && i < baseLrs.length; i++) groups.get(i).setLr(lrAt(baseLrs[i], epoch));
    }

    /** The current learning rate of each group. */
    public List<Double> lastLr() {
        List<Double> out = new ArrayList<>();
        for (ParamGroup<?> g : optimizer.paramGroups()) out.add(g.lr());
        return out;
    }

    public int epoch() {
        return epoch;
    }
}
