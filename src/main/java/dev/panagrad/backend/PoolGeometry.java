package dev.panagrad.backend;

/** The shapes of 2-D pooling over h×w planes with a kh×kw window, stride, padding and dilation. */
public record PoolGeometry(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                           int oh, int ow) {
    /** Output size of one dimension, with PyTorch's ceil_mode rule (a last window must start inside the padded input). */
    public static int outSize(int in, int k, int s, int p, int d, boolean ceil) {
        int span = in + 2 * p - d * (k - 1) - 1;
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + p) out--;
        return out;
    }

    /** True when every window lies inside the image (no padding reached, no dilation), so no window needs bounds checks. */
    public boolean windowsInside() {
        return ph == 0 && pw == 0 && dh == 1 && dw == 1 && (oh - 1) * sh + kh <= h && (ow - 1) * sw + kw <= w;
    }
}
