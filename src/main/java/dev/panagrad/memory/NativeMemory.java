package dev.panagrad.memory;

/** How a device obtains and returns raw blocks; the caching allocator sits on top. */
public interface NativeMemory {
    /** Allocates {@code bytes} (64-byte aligned) or throws {@link OutOfMemoryError}. */
    Buffer allocate(long bytes, int sizeClass);

    /** Returns a block to the device. */
    void free(Buffer buffer);

    /** A short name for messages ("cpu", "cuda:0"). */
    String name();
}
