package dev.panagrad.demo;

import dev.panagrad.Autograd;
import dev.panagrad.DType;
import dev.panagrad.F;
import dev.panagrad.Generator;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import dev.panagrad.nn.Module;
import dev.panagrad.optim.Optimizer;

/** One epoch of minibatch training with a progress bar. */
final class Trainer {
    private Trainer() {}

    /** Mean loss of the epoch, and the time and backward work of its steps. */
    record Result(double meanLoss, double msPerStep, long nodesPerStep) {
    }

    static Result epoch(Module model, Optimizer<?> opt, Tensor x, Tensor y, int batch, long seed, Demo.Progress bar) {
        model.train();
        int n = (int) y.numel(), steps = (n + batch - 1) / batch;
        double total = 0;
        long nodes = 0, timed = 0, timedSteps = 0;
        long start = System.nanoTime();
        try (Scope epoch = Scope.open()) {
            Tensor order = Tensor.randperm(new Generator(seed), n);
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime(), n0 = Autograd.nodesExecuted();
                double loss;
                try (Scope step = Scope.open()) {
                    Tensor idx = order.narrow(0, s * batch, Math.min(batch, n - s * batch));
                    Tensor out = model.forward(x.indexSelect(0, idx));
                    Tensor l = F.crossEntropy(out, y.indexSelect(0, idx));
                    opt.zeroGrad();
                    l.backward();
                    opt.step();
                    loss = l.item();
                }
                long dt = System.nanoTime() - t0;
                if (s > 0) { // the first step of an epoch pays for warm-up
                    timed += dt;
                    timedSteps++;
                }
                nodes = Autograd.nodesExecuted() - n0;
                total += loss * Math.min(batch, n - s * batch);
                double secs = (System.nanoTime() - start) / 1e9;
                bar.update(s + 1, steps, total / Math.min(n, (s + 1) * batch), (s + 1) / secs, s + 1 == steps);
            }
        }
        return new Result(total / n, timedSteps == 0 ? 0 : timed / 1e6 / timedSteps, nodes);
    }
}
