package dev.panagrad;

/**
 * Where a tensor's memory lives: the host ({@link #CPU}) or a CUDA GPU. Printed as PyTorch
 * prints devices ("cpu", "cuda:0").
 *
 * @param kind  the kind of device
 * @param index the device ordinal (0 for the CPU)
 */
public record Device(Kind kind, int index) {
    /** Kinds of device. */
    public enum Kind { CPU, CUDA }

    /** The host. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    /** Validates the index. */
    public Device {
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
        if (kind == Kind.CPU && index != 0) throw new IllegalArgumentException("the CPU has only index 0");
    }

    /** The CUDA device with this ordinal. */
    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /** Parses "cpu", "cuda", "cuda:1". */
    public static Device of(String name) {
        if (name.equals("cpu")) return CPU;
        if (name.equals("cuda")) return cuda(0);
        if (name.startsWith("cuda:")) return cuda(Integer.parseInt(name.substring(5)));
        throw new IllegalArgumentException("unknown device '" + name + "': use cpu, cuda or cuda:N");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
