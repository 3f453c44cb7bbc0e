package dev.neurite.api.model;

import dev.neurite.api.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor as it is saved: element type, shape and little-endian bytes. Storage is
 * byte-based so that integer, bit-packed and future element types need no new contract.
 *
 * @param name  unique name within a model or checkpoint, for example {@code layer0.weight}
 * @param dtype element type
 * @param shape dimensions; the product times the element size equals the byte length
 * @param data  little-endian element bytes
 */
public record StoredTensor(String name, DType dtype, int[] shape, byte[] data) {

    public StoredTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        long elements = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
            }
            elements *= d;
        }
        if (elements * dtype.byteSize() != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + elements * dtype.byteSize() + " bytes, got " + data.length);
        }
    }

    /** Wraps f32 values (copied) as a stored tensor. */
    public static StoredTensor ofFloats(String name, int[] shape, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return new StoredTensor(name, DType.F32, shape, buffer.array());
    }

    /** Number of elements. */
    public int size() {
        return data.length / dtype.byteSize();
    }

    /** The values of an f32 tensor, copied into a new array. */
    public float[] toFloats() {
        if (dtype != DType.F32) {
            throw new IllegalStateException(name + " is " + dtype + ", not F32");
        }
        float[] values = new float[size()];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTensor t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape);
    }
}
