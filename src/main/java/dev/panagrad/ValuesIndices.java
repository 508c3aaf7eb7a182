package dev.panagrad;

/**
 * The two results of {@code max(dim)} / {@code min(dim)}: the values and their int64
 * indices along the reduced dimension.
 *
 * @param values  the extreme values
 * @param indices where they are (int64)
 */
public record ValuesIndices(Tensor values, Tensor indices) {
}
