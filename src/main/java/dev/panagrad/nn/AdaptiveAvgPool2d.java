package dev.panagrad.nn;

import dev.panagrad.F;
import dev.panagrad.Tensor;

/** Average pooling to a fixed output size (1 gives global average pooling). */
public class AdaptiveAvgPool2d extends Module {
    private final int outH, outW;

    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + (outH == outW ? String.valueOf(outH) : "(" + outH + ", " + outW + ")");
    }
}
