package dev.panagrad;

/**
 * Thread-local autograd modes as try-with-resources guards, as PyTorch's context managers:
 * <pre>{@code
 * try (var g = GradMode.noGrad()) {
 *     w.sub_(w.grad().mul(lr));      // an optimizer update: not recorded, allowed on a leaf
 * }
 * }</pre>
 * {@link #noGrad()} records no graph; {@link #enableGrad()} turns recording back on inside a
 * noGrad block; {@link #inferenceMode()} records nothing, saves nothing and skips version
 * counting. Each thread has its own modes, so threads build graphs independently.
 */
public final class GradMode {
    private GradMode() {}

    /** Restores the modes that were in force when it was opened. */
    public static final class Guard implements AutoCloseable {
        private final ThreadState state;
        private final boolean prevGrad;
        private final boolean prevInference;
        private final Thread owner = Thread.currentThread();
        private boolean closed;

        private Guard(ThreadState state, boolean grad, boolean inference) {
            this.state = state;
            this.prevGrad = state.gradEnabled;
            this.prevInference = state.inferenceMode;
            state.gradEnabled = grad;
            state.inferenceMode = inference;
        }

        @Override
        public void close() {
            if (closed) return;
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a GradMode guard must be closed on the thread that opened it");
            }
            closed = true;
            state.gradEnabled = prevGrad;
            state.inferenceMode = prevInference;
        }
    }

    /** Ops inside record no autograd graph (PyTorch's {@code torch.no_grad()}). */
    public static Guard noGrad() {
        ThreadState s = ThreadState.get();
        return new Guard(s, false, s.inferenceMode);
    }

    /** Turns recording back on, for example inside a {@link #noGrad()} block. */
    public static Guard enableGrad() {
        ThreadState s = ThreadState.get();
        return new Guard(s, true, s.inferenceMode);
    }

    /**
     * Inference mode (PyTorch's {@code torch.inference_mode()}): no graph, nothing saved, and
     * in-place ops do not bump version counters.
     */
    public static Guard inferenceMode() {
        ThreadState s = ThreadState.get();
        return new Guard(s, false, true);
    }

    /** Whether ops on this thread currently record gradients. */
    public static boolean isEnabled() {
        return ThreadState.get().recording();
    }

    /** Whether this thread is in inference mode. */
    public static boolean isInferenceMode() {
        return ThreadState.get().inferenceMode;
    }
}
