package dev.neurite.api.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How a variable's values start. The values are defined here, not by a backend, so every
 * backend starts a model from exactly the same numbers for the same seed.
 */
public final class Init {

    /** Kinds of initializer. */
    public enum Kind {
        CONSTANT, UNIFORM, NORMAL, VALUES
    }

    private final Kind kind;
    private final double a;
    private final double b;
    private final long seed;
    private final float[] values;

    private Init(Kind kind, double a, double b, long seed, float[] values) {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.seed = seed;
        this.values = values;
    }

    /** All zeros. */
    public static Init zeros() {
        return constant(0);
    }

    /** Every element {@code value}. */
    public static Init constant(double value) {
        return new Init(Kind.CONSTANT, value, 0, 0, null);
    }

    /** Independent uniform values in {@code [low, high)}. */
    public static Init uniform(double low, double high, long seed) {
        return new Init(Kind.UNIFORM, low, high, seed, null);
    }

    /** Independent normal values with the given mean and standard deviation. */
    public static Init normal(double mean, double std, long seed) {
        return new Init(Kind.NORMAL, mean, std, seed, null);
    }

    /** Exactly these values (copied), row-major. */
    public static Init values(float... values) {
        return new Init(Kind.VALUES, 0, 0, 0, values.clone());
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** Fills {@code target} with this initializer's {@code target.length} values. */
    public void fill(float[] target) {
        switch (kind) {
            case CONSTANT -> Arrays.fill(target, (float) a);
            case UNIFORM -> {
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < target.length; i++) {
                    target[i] = (float) (a + (b - a) * random.nextDouble());
                }
            }
            case NORMAL -> {
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < target.length; i++) {
                    target[i] = (float) (a + b * gaussian(random));
                }
            }
            case VALUES -> {
                if (values.length != target.length) {
                    throw new IllegalArgumentException("initializer has " + values.length + " values, tensor needs "
                            + target.length);
                }
                System.arraycopy(values, 0, target, 0, values.length);
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** The values for a tensor of {@code size} elements. */
    public float[] values(int size) {
        float[] v = new float[size];
        fill(v);
        return v;
    }

    /** A standard normal value by the Box-Muller transform (a fixed, portable definition). */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> "constant(" + a + ")";
            case UNIFORM -> "uniform(" + a + ", " + b + ", seed " + seed + ")";
            case NORMAL -> "normal(" + a + ", " + b + ", seed " + seed + ")";
            case VALUES -> "values[" + values.length + "]";
        };
    }
}
