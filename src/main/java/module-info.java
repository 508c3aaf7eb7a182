/**
 * panagrad: PyTorch's autograd for the JVM.
 * <p>
 * {@link dev.panagrad.Tensor} is the entry point: off-heap tensors with views, broadcasting
 * ops on Vector API kernels, and a lean autograd tape ({@code backward()}, {@code grad()},
 * {@link dev.panagrad.GradMode}). {@link dev.panagrad.Scope} releases native memory
 * deterministically.
 */
module dev.panagrad {
    requires jdk.incubator.vector;
    requires com.fasterxml.jackson.core;

    exports dev.panagrad;
    exports dev.panagrad.nn;
    exports dev.panagrad.optim;
    exports dev.panagrad.io;
}
