package dev.panagrad.backend;

/**
 * The shapes of a 2-D convolution over images [n, c, h, w] with a kh×kw kernel, stride,
 * padding and dilation, producing oh×ow outputs. Its column matrix (im2col) has one row per
 * (channel, ki, kj) and one column per (image, oh, ow): [c*kh*kw, n*oh*ow].
 */
public record Conv2dGeometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                             int dh, int dw, int oh, int ow) {
    /** Output size of one spatial dimension. */
    public static int outSize(int in, int k, int s, int p, int d) {
        return (in + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    /** The same convolution over {@code images} images. */
    public Conv2dGeometry withImages(int images) {
        return new Conv2dGeometry(images, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }

    /** Rows of the column matrix. */
    public long rows() {
        return (long) c * kh * kw;
    }

    /** Columns of the column matrix. */
    public long cols() {
        return (long) n * oh * ow;
    }

    /** The first output column whose input column for kernel column kj is inside the image. */
    public int firstValidOw(int kj) {
        int lead = pw - kj * dw; // ow * sw >= lead
        int first = lead <= 0 ? 0 : (lead + sw - 1) / sw;
        return Math.min(first, ow);
    }

    /** One past the last output column whose input column for kernel column kj is inside the image. */
    public int endValidOw(int kj) {
        int limit = w + pw - kj * dw; // ow * sw < limit
        int end = limit <= 0 ? 0 : (limit + sw - 1) / sw;
        return Math.max(Math.min(end, ow), firstValidOw(kj));
    }
}
