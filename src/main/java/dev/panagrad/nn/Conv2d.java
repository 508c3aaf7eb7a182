package dev.panagrad.nn;

import dev.panagrad.F;
import dev.panagrad.Tensor;

/** 2-D convolution with stride, padding, dilation and groups; weight [out, in/groups, kh, kw]. */
public class Conv2d extends Module {
    private final int in, out, groups;
    private final int[] kernel, stride, padding, dilation;

    /** Square kernel, stride 1, no padding. */
    public Conv2d(int in, int out, int kernel) {
        this(in, out, new int[] {kernel, kernel}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, true);
    }

    /** Square kernel with stride and padding. */
    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, 1, true);
    }

    /** Square kernel with stride, padding and a choice of bias. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, 1, bias);
    }

    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias) {
        if (groups < 1 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2d: in (" + in + ") and out (" + out + ") channels must be divisible by groups ("
                    + groups + ")");
        }
        this.in = in;
        this.out = out;
        this.groups = groups;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        int fanIn = in / groups * kernel[0] * kernel[1];
        registerParameter("weight", Init.kaimingUniform(fanIn, out, in / groups, kernel[0], kernel[1]));
        registerParameter("bias", bias ? Init.kaimingUniform(fanIn, out) : null);
    }

    public Tensor weight() {
        return parameter("weight");
    }

    public Tensor bias() {
        return parameter("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight(), bias(), stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder();
        sb.append(in).append(", ").append(out).append(", kernel_size=").append(pair(kernel))
                .append(", stride=").append(pair(stride));
        if (padding[0] != 0 || padding[1] != 0) sb.append(", padding=").append(pair(padding));
        if (dilation[0] != 1 || dilation[1] != 1) sb.append(", dilation=").append(pair(dilation));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (bias() == null) sb.append(", bias=False");
        return sb.toString();
    }

    static String pair(int[] p) {
        return "(" + p[0] + ", " + p[1] + ")";
    }
}
