package dev.neurite.api.tensor;

/**
 * Element types of stored and computed tensors. The names match the safetensors dtype
 * strings, so a stored tensor's header can be written from {@link #name()}.
 */
public enum DType {
    F32(4),
    I32(4),
    I8(1),
    /** Unsigned bytes: raw pixels, and bit-packed tensors eight elements per byte. */
    U8(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes one element takes in memory and on disk. */
    public int byteSize() {
        return byteSize;
    }
}
