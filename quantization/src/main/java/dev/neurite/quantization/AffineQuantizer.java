package dev.neurite.quantization;

/**
 * Uniform affine quantization to b-bit signed integers (Gholami et al., "A Survey of
 * Quantization Methods"): q = clamp(round(r / S) + Z), S = (β − α) / (2^b − 1). Symmetric
 * mode fixes Z = 0 and α = −β, the usual choice for weights; asymmetric mode fits [min, max],
 * the usual choice for activations.
 */
public final class AffineQuantizer {

    private final int bits;
    private final float scale;
    private final int zeroPoint;
    private final int qmin;
    private final int qmax;

    private AffineQuantizer(int bits, float scale, int zeroPoint) {
        this.bits = bits;
        this.scale = scale;
        this.zeroPoint = zeroPoint;
        this.qmin = -(1 << (bits - 1));
        this.qmax = (1 << (bits - 1)) - 1;
    }

    /** Symmetric quantizer calibrated on the largest magnitude in {@code values}. */
    public static AffineQuantizer symmetric(float[] values, int bits) {
        checkBits(bits);
        float maxAbs = 0;
        for (float v : values) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        int qmax = (1 << (bits - 1)) - 1;
        return new AffineQuantizer(bits, maxAbs == 0 ? 1f : maxAbs / qmax, 0);
    }

    /** Asymmetric quantizer calibrated on the range of {@code values} (widened to include 0). */
    public static AffineQuantizer asymmetric(float[] values, int bits) {
        checkBits(bits);
        float min = 0;
        float max = 0;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float scale = max == min ? 1f : (max - min) / ((1 << bits) - 1);
        int qmin = -(1 << (bits - 1));
        int zeroPoint = Math.round(qmin - min / scale);
        return new AffineQuantizer(bits, scale, zeroPoint);
    }

    private static void checkBits(int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("bits must be in [2, 16], got " + bits);
        }
    }

    public int quantize(float value) {
        long q = Math.round(value / scale) + zeroPoint;
        return (int) Math.max(qmin, Math.min(qmax, q));
    }

    public float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    public int bits() {
        return bits;
    }

    public float scale() {
        return scale;
    }

    public int zeroPoint() {
        return zeroPoint;
    }
}
