package dev.panagrad;

/** Operands on different devices. Move one with {@code to(Device)} first. */
public class DeviceMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DeviceMismatchException(String message) {
        super(message);
    }
}
