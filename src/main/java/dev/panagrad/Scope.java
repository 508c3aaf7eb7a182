package dev.panagrad;

import java.util.Arrays;

/**
 * Deterministic release of native memory: every tensor created on this thread while the
 * scope is the innermost open one is released when it closes.
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = F.crossEntropy(model.forward(x), y);
 *     loss.backward();
 *     optimizer.step();
 *     lastLoss = step.keep(loss.detach());   // survives the scope
 * }
 * }</pre>
 * {@link #keep} moves a tensor to the enclosing scope, or, for the outermost scope, out of
 * scope management altogether: then {@link Tensor#close()} (or, as a safety net only, the
 * garbage collector) releases it. Parameters and their gradients are made outside any
 * scope and live until closed. Scopes nest, belong to the thread that opened them and
 * must be closed in reverse order of opening.
 */
public final class Scope implements AutoCloseable {
    private final Scope parent;
    private final ThreadState owner;
    private final Thread thread;
    private Tensor[] items = new Tensor[16];
    private int size;
    private boolean closed;

    private Scope(Scope parent, ThreadState owner) {
        this.parent = parent;
        this.owner = owner;
        this.thread = Thread.currentThread();
    }

    /** Opens a scope nested in the current one and makes it current. */
    public static Scope open() {
        ThreadState ts = ThreadState.get();
        Scope s = new Scope(ts.scope, ts);
        ts.scope = s;
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static Scope current() {
        return ThreadState.get().scope;
    }

    void add(Tensor t) {
        if (size == items.length) items = Arrays.copyOf(items, size * 2);
        items[size++] = t;
        t.scope = this;
    }

    /**
     * Keeps {@code t} alive past this scope: it moves to the enclosing scope, or becomes
     * unmanaged (released by {@link Tensor#close()}) if this is the outermost one. Returns
     * {@code t} for chaining.
     */
    public <T extends Tensor> T keep(T t) {
        if (closed) throw new IllegalStateException("keep: this scope is already closed");
        t.checkAlive("keep");
        if (t.scope == this) {
            t.scope = null;
            if (parent != null) parent.add(t);
            else t.storage.watch();
        } else if (t.scope != null && t.scope != parent) {
            throw new IllegalArgumentException("keep: the tensor belongs to another scope; call keep on the scope that created it");
        }
        return t;
    }

    /** Keeps every tensor given (see {@link #keep}). */
    public void keepAll(Tensor... ts) {
        for (Tensor t : ts) keep(t);
    }

    /** Number of tensors this scope still owns. */
    public int size() {
        int n = 0;
        for (int i = 0; i < size; i++) if (items[i].scope == this && !items[i].isReleased()) n++;
        return n;
    }

    /** Marks the current position, for {@link #releaseSince}. */
    int mark() {
        return size;
    }

    /**
     * Releases tensors added since {@code mark}, except those in {@code keep}: they leave the
     * scope unreleased and unwatched, owned from then on by the caller (the autograd engine).
     */
    void releaseSince(int mark, Tensor[] keep) {
        for (int i = mark; i < size; i++) {
            Tensor t = items[i];
            items[i] = null;
            if (t.scope != this) continue;
            if (contains(keep, t)) {
                t.scope = null;
                continue;
            }
            t.release(Tensor.RELEASED_BY_SCOPE);
        }
        size = mark;
    }

    /** Like {@link #releaseSince(int, Tensor[])} with one tensor kept. */
    void releaseSince(int mark, Tensor keep) {
        for (int i = mark; i < size; i++) {
            Tensor t = items[i];
            items[i] = null;
            if (t.scope != this) continue;
            if (t == keep) t.scope = null;
            else t.release(Tensor.RELEASED_BY_SCOPE);
        }
        size = mark;
    }

    private static boolean contains(Tensor[] a, Tensor t) {
        if (a == null) return false;
        for (Tensor x : a) if (x == t) return true;
        return false;
    }

    /** A scope for the autograd engine's own temporaries: not made current by opening. */
    static Scope detached(ThreadState ts) {
        return new Scope(null, ts);
    }

    /** Makes this (detached) scope current and returns the one it replaces. */
    Scope enter() {
        Scope prev = owner.scope;
        owner.scope = this;
        return prev;
    }

    /** Releases everything still owned (used by the engine when it finishes or fails). */
    void releaseAll() {
        releaseSince(0, (Tensor) null);
    }

    /** Releases every tensor still owned by this scope and makes the enclosing scope current. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a Scope must be closed on the thread that opened it");
        }
        if (owner.scope != this) {
            throw new IllegalStateException("scopes must be closed in reverse order of opening: an inner scope is still open");
        }
        closed = true;
        owner.scope = parent;
        for (int i = 0; i < size; i++) {
            Tensor t = items[i];
            items[i] = null;
            if (t.scope == this) t.release(Tensor.RELEASED_BY_SCOPE);
        }
        size = 0;
    }
}
