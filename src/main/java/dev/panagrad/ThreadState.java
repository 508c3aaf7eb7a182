package dev.panagrad;

/**
 * Per-thread state read by every op: the innermost open {@link Scope} and the grad modes.
 * One ThreadLocal lookup per op gives all of it.
 */
final class ThreadState {
    private static final ThreadLocal<ThreadState> CURRENT = ThreadLocal.withInitial(ThreadState::new);

    /** The innermost open scope, or null: tensors made with none open are released by close() or the Cleaner. */
    Scope scope;
    boolean gradEnabled = true;
    boolean inferenceMode;
    /** The backward pass running on this thread (see {@link Engine#gradIntoLeaf}), or null. */
    Object backwardRun;

    static ThreadState get() {
        return CURRENT.get();
    }

    /** True when ops on this thread record autograd nodes. */
    boolean recording() {
        return gradEnabled && !inferenceMode;
    }
}
