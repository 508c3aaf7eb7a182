package dev.panagrad.demo;

import dev.panagrad.Autograd;
import dev.panagrad.DType;
import dev.panagrad.F;
import dev.panagrad.GradMode;
import dev.panagrad.Parallelism;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import dev.panagrad.io.SafeTensors;
import dev.panagrad.nn.AdaptiveAvgPool2d;
import dev.panagrad.nn.BatchNorm2d;
import dev.panagrad.nn.Conv2d;
import dev.panagrad.nn.Flatten;
import dev.panagrad.nn.Linear;
import dev.panagrad.nn.MaxPool2d;
import dev.panagrad.nn.Module;
import dev.panagrad.nn.ReLU;
import dev.panagrad.nn.Sequential;
import dev.panagrad.optim.Adam;
import dev.panagrad.optim.CosineAnnealingLR;
import dev.panagrad.optim.SGD;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * panagrad's demo: trains a small CNN on the bundled handwritten digits, fine-tunes it for
 * a new task with the backbone frozen, and saves and reloads it as safetensors.
 * Run {@code mvn -q compile exec:exec} (add {@code -Ddemo.args="--help"} for the options).
 */
public final class Demo {
    private static final PrintStream OUT = System.out;
    private static final int TRAIN = 1500;

    private Demo() {}

    public static void main(String[] args) throws Exception {
        DemoOptions o = DemoOptions.parse(args);
        if (o == null) return;
        Parallelism.setThreads(o.threads());
        Tensor.manualSeed(o.seed());
        OUT.printf(Locale.ROOT, "panagrad demo: %d epochs, batch %d, %d thread%s, seed %d, Vector API %s%n",
                o.epochs(), o.batch(), o.threads(), o.threads() == 1 ? "" : "s", o.seed(), Parallelism.vectorized() ? "on" : "OFF");
        long start = System.nanoTime();
        Digits data = Digits.load();
        try (Tensor order = shuffled(o.seed())) {
            Tensor xAll = data.x().indexSelect(0, order).reshape(-1, 1, 8, 8).keep();
            Tensor yAll = data.y().indexSelect(0, order).keep();
            data.x().close();
            data.y().close();
            Tensor xTrain = xAll.narrow(0, 0, TRAIN).keep(), yTrain = yAll.narrow(0, 0, TRAIN).keep();
            Tensor xTest = xAll.narrow(0, TRAIN, Digits.SIZE - TRAIN).keep(), yTest = yAll.narrow(0, TRAIN, Digits.SIZE - TRAIN).keep();
            OUT.printf(Locale.ROOT, "digits: %d training and %d test images of 8x8 (UCI, CC BY 4.0)%n%n", TRAIN, Digits.SIZE - TRAIN);

            Sequential model = cnn();
            OUT.println("1. Training a CNN");
            OUT.println(indent(model.toString()));
            double fullStepMs;
            long fullNodes;
            try (Adam opt = new Adam(model.parameters(), Adam.options(o.lr()))) {
                CosineAnnealingLR schedule = new CosineAnnealingLR(opt, o.epochs());
                Trainer.Result r = null;
                for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                    r = Trainer.epoch(model, opt, xTrain, yTrain, o.batch(), o.seed() + epoch,
                            new Progress("epoch " + pad(epoch, o.epochs()) + "/" + o.epochs()));
                    schedule.step();
                }
                fullStepMs = r.msPerStep();
                fullNodes = r.nodesPerStep();
            }
            double acc = accuracy(model, xTest, yTest);
            OUT.printf(Locale.ROOT, "test accuracy: %.2f%% (%d of %d)%n%n", 100 * acc, Math.round(acc * yTest.numel()), yTest.numel());

            OUT.println("2. Fine-tuning for a new task (even vs odd digit), backbone frozen");
            model.requiresGrad_(false);
            Linear head = new Linear(64, 2);
            int last = model.size() - 1;
            model.set(last, head).close();
            Tensor evenTrain = even(yTrain), evenTest = even(yTest);
            double headStepMs;
            long headNodes;
            try (SGD opt = new SGD(head.parameters(), SGD.options(0.05).momentum(0.9))) {
                Trainer.Result r = null;
                for (int epoch = 1; epoch <= o.fineTuneEpochs(); epoch++) {
                    r = Trainer.epoch(model, opt, xTrain, evenTrain, o.batch(), o.seed() + 100 + epoch,
                            new Progress("head " + pad(epoch, o.fineTuneEpochs()) + "/" + o.fineTuneEpochs()));
                }
                headStepMs = r.msPerStep();
                headNodes = r.nodesPerStep();
            }
            double accEven = accuracy(model, xTest, evenTest);
            OUT.printf(Locale.ROOT, "even/odd test accuracy: %.2f%%%n", 100 * accEven);
            OUT.printf(Locale.ROOT, "training step: %.2f ms with every layer learning, %.2f ms with the backbone frozen"
                    + " (backward nodes per step %d -> %d: frozen layers do no backward work)%n%n",
                    fullStepMs, headStepMs, fullNodes, headNodes);

            OUT.println("3. Saving as safetensors and loading back");
            Path file = o.save() != null ? o.save() : Files.createTempFile("panagrad-demo", ".safetensors");
            SafeTensors.save(file, model.stateDict(), java.util.Map.of("format", "pt", "producer", "panagrad demo"));
            Sequential reloaded = cnn();
            reloaded.set(last, new Linear(64, 2)).close();
            try (SafeTensors st = SafeTensors.open(file)) {
                reloaded.loadStateDict(st.tensors(), true);
            }
            double diff = maxDifference(model, reloaded, xTest);
            OUT.printf(Locale.ROOT, "saved %s (%,d bytes); reloaded model's predictions differ by %s%n",
                    o.save() != null ? file : "to a temporary file", Files.size(file), diff == 0 ? "nothing (identical)" : String.valueOf(diff));
            if (o.save() == null) Files.deleteIfExists(file);
            if (diff != 0) throw new IllegalStateException("the reloaded model predicts differently");
            reloaded.close();
            model.close();
            for (Tensor t : new Tensor[] {xAll, yAll, xTrain, yTrain, xTest, yTest, evenTrain, evenTest}) t.close();
        }
        OUT.printf(Locale.ROOT, "%ndone in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** The demo's CNN for 1x8x8 digits. */
    static Sequential cnn() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(),
                new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Conv2d(64, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, 10));
    }

    private static Tensor shuffled(long seed) {
        return Tensor.randperm(new dev.panagrad.Generator(seed), Digits.SIZE).keep();
    }

    private static Tensor even(Tensor y) {
        try (Scope s = Scope.open()) {
            return s.keep(y.remainder(2).eq(0.0).to(DType.INT64)).keep();
        }
    }

    static double accuracy(Module model, Tensor x, Tensor y) {
        model.eval();
        try (Scope s = Scope.open(); var g = GradMode.inferenceMode()) {
            return model.forward(x).argmax(1, false).eq(y).to(DType.FLOAT32).mean().item();
        } finally {
            model.train();
        }
    }

    private static double maxDifference(Module a, Module b, Tensor x) {
        a.eval();
        b.eval();
        try (Scope s = Scope.open(); var g = GradMode.inferenceMode()) {
            return a.forward(x).sub(b.forward(x)).abs().max().item();
        }
    }

    private static String pad(int v, int of) {
        String s = Integer.toString(v);
        return " ".repeat(Integer.toString(of).length() - s.length()) + s;
    }

    private static String indent(String s) {
        return "   " + s.replace("\n", "\n   ");
    }

    /** Keeps Autograd's counter referenced so the demo can report backward work. */
    static long nodes() {
        return Autograd.nodesExecuted();
    }

    /** A one-line progress bar per epoch, redrawn in place on a terminal. */
    static final class Progress {
        private final String label;
        private final boolean tty = System.console() != null;
        private long lastDraw;

        Progress(String label) {
            this.label = label;
        }

        void update(int step, int steps, double loss, double stepsPerSecond, boolean done) {
            long now = System.nanoTime();
            if (!done && (!tty || now - lastDraw < 50_000_000L)) return;
            lastDraw = now;
            int width = 24, filled = steps == 0 ? width : step * width / steps;
            String bar = "#".repeat(filled) + ".".repeat(width - filled);
            String line = String.format(Locale.ROOT, "%s [%s] %3d/%d steps  %6.0f steps/s  loss %.4f",
                    label, bar, step, steps, stepsPerSecond, loss);
            if (tty) OUT.print("\r" + line + (done ? "\n" : ""));
            else if (done) OUT.println(line);
            OUT.flush();
        }
    }
}
