package dev.panagrad.nn;

import dev.panagrad.F;
import dev.panagrad.Tensor;

/** Max pooling over the last two dimensions. */
public class MaxPool2d extends Module {
    private final int kernel, stride, padding, dilation;
    private final boolean ceilMode;

    /** Stride = kernel. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0, 1, false);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(kernel, stride, padding, 1, false);
    }

    public MaxPool2d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.maxPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {dilation, dilation}, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation
                + ", ceil_mode=" + pyBool(ceilMode);
    }
}
