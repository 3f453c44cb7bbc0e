package dev.neurite.quantization;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AffineQuantizerTest {

    @Test
    void symmetricInt8RoundTripErrorIsAtMostHalfAStep() {
        float[] w = new float[1000];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() * 2 - 1) * 0.7f;
        }
        AffineQuantizer q = AffineQuantizer.symmetric(w, 8);
        assertEquals(0, q.zeroPoint());
        for (float v : w) {
            int code = q.quantize(v);
            assertTrue(code >= -128 && code <= 127);
            assertTrue(Math.abs(q.dequantize(code) - v) <= q.scale() / 2 + 1e-7f);
        }
        assertEquals(0f, q.dequantize(q.quantize(0f)), "zero is exact");
    }

    @Test
    void asymmetricCoversTheRangeAndKeepsZeroExact() {
        float[] a = {0f, 0.5f, 3.0f, 6.0f};
        AffineQuantizer q = AffineQuantizer.asymmetric(a, 8);
        assertEquals(-128, q.quantize(0f));
        assertEquals(127, q.quantize(6.0f));
        assertEquals(0f, q.dequantize(q.quantize(0f)), 1e-6f);
        assertEquals(127, q.quantize(100f), "values beyond the range clamp");
        assertThrows(IllegalArgumentException.class, () -> AffineQuantizer.symmetric(a, 1));
    }
}
