package io.sparkcl.model.optim;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW against a scalar reference, state export/import, the schedule and clipping. */
class OptimTest {

    /** torch.optim.AdamW, one coordinate at a time. */
    private static final class ScalarAdamW {
        double m;
        double v;

        double step(double p, double g, long t, double lr, double b1, double b2, double eps, double wd, boolean decay,
                    boolean frozen) {
            if (frozen) {
                return p;
            }
            if (decay) {
                p = p * (1 - lr * wd);
            }
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double mHat = m / (1 - Math.pow(b1, t));
            double vHat = v / (1 - Math.pow(b2, t));
            return p - lr * mHat / (Math.sqrt(vHat) + eps);
        }
    }

    @Test
    void adamWMatchesAScalarReferenceWithDecayMaskAndFrozenRange() {
        for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            int size = 10;
            double[] maskArr = {1, 1, 0, 0, 1, 1, 1, 0, 1, 1};
            AdamW opt = new AdamW(size, dt, 0.9, 0.98, 1e-6, 0.1, Nd4j.createFromArray(maskArr).castTo(dt));
            opt.freezeRange(5, 7);
            Random r = new Random(3);
            double[] p = new double[size];
            for (int i = 0; i < size; i++) {
                p[i] = r.nextGaussian();
            }
            INDArray params = Nd4j.createFromArray(p).castTo(dt);
            ScalarAdamW[] ref = new ScalarAdamW[size];
            for (int i = 0; i < size; i++) {
                ref[i] = new ScalarAdamW();
            }
            for (int t = 1; t <= 6; t++) {
                double[] g = new double[size];
                for (int i = 0; i < size; i++) {
                    g[i] = r.nextGaussian() * (i + 1);
                }
                double lr = 0.01 * t;
                opt.step(params, Nd4j.createFromArray(g).castTo(dt), lr);
                for (int i = 0; i < size; i++) {
                    p[i] = ref[i].step(p[i], g[i], t, lr, 0.9, 0.98, 1e-6, 0.1, maskArr[i] != 0, i == 5 || i == 6);
                }
            }
            double tol = dt == DataType.DOUBLE ? 1e-12 : 2e-6;
            for (int i = 0; i < size; i++) {
                assertEquals(p[i], params.getDouble(i), tol, dt + " coordinate " + i);
            }
            assertEquals(6, opt.stepCount());
        }
    }

    @Test
    void restoredStateContinuesBitIdentically(@TempDir Path dir) throws Exception {
        BertParameters base = BertParameters.randomInit(new BertConfig("bert", 30, 8, 1, 2, 12, 16, 2, 1e-12, 0.1, 0.1, 0, 0),
                2, 4L, DataType.FLOAT);
        INDArray p1 = base.flat().dup();
        AdamW a = AdamW.forParameters(base, 0.01);
        Random r = new Random(9);
        INDArray[] grads = new INDArray[6];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = Nd4j.rand(DataType.FLOAT, base.size()).subi(0.5).muli(r.nextDouble() + 0.1);
        }
        for (int i = 0; i < 3; i++) {
            a.step(p1, grads[i], 1e-3);
        }
        AdamWState exported = a.exportState();
        a.save(dir.resolve("adamw.bin"));
        INDArray p2 = p1.dup();
        INDArray p3 = p1.dup();
        for (int i = 3; i < 6; i++) {
            a.step(p1, grads[i], 1e-3);
        }
        AdamW fromArrays = AdamW.forParameters(base, 0.01);
        fromArrays.importState(exported);
        AdamW fromFile = AdamW.forParameters(base, 0.01);
        fromFile.load(dir.resolve("adamw.bin"));
        assertEquals(3, fromFile.stepCount());
        for (int i = 3; i < 6; i++) {
            fromArrays.step(p2, grads[i], 1e-3);
            fromFile.step(p3, grads[i], 1e-3);
        }
        assertEquals(p1, p2, "continuation after importState must be bit-identical");
        assertEquals(p1, p3, "continuation after load must be bit-identical");
        assertThrows(IllegalArgumentException.class, () -> fromFile.step(p1, Nd4j.zeros(DataType.FLOAT, 3), 1e-3));
    }

    @Test
    void scheduleWarmsUpLinearlyThenDecaysToZero() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110);
        assertEquals(0.0, s.at(0), 0);
        assertEquals(5e-4, s.at(5), 1e-15);
        assertEquals(1e-3, s.at(10), 1e-15);
        assertEquals(5e-4, s.at(60), 1e-15);
        assertEquals(1e-5, s.at(109), 1e-15);
        assertEquals(0.0, s.at(110), 0);
        assertEquals(0.0, s.at(500), 0);
        assertEquals(1e-3, new LearningRateSchedule(1e-3, 0, 10).at(0), 0);
        assertEquals(10, LearningRateSchedule.withWarmupRatio(1, 0.1, 100).warmupSteps());
        assertEquals(2e-5, LearningRateSchedule.constant(2e-5).at(123456), 0);
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 20, 10));
    }

    @Test
    void clippingScalesToTheMaximumNormAndReportsTheNormBefore() {
        INDArray g = Nd4j.createFromArray(3.0, 4.0, 0.0, 12.0); // norm 13
        double norm = GradientClipping.clipByGlobalNorm(g, 1.0);
        assertEquals(13.0, norm, 1e-12);
        assertEquals(1.0, g.norm2Number().doubleValue(), 1e-6);
        assertEquals(3.0 / 13.0, g.getDouble(0), 1e-6);
        INDArray small = Nd4j.createFromArray(0.3, 0.4);
        assertEquals(0.5, GradientClipping.clipByGlobalNorm(small, 1.0), 1e-12);
        assertEquals(0.3, small.getDouble(0), 0, "below the maximum: unchanged");
        INDArray off = Nd4j.createFromArray(30.0, 40.0);
        GradientClipping.clipByGlobalNorm(off, 0);
        assertTrue(off.getDouble(1) == 40.0, "maxNorm 0 disables clipping");
    }

    @Test
    void floatNormIsAccumulatedInDoubleAndViewsAndDoublesUseNd4j() {
        int n = 3_000_000;
        Random r = new Random(11);
        float[] v = new float[n];
        double exact = 0;
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * (1 + i % 7));
            exact += (double) v[i] * v[i];
        }
        INDArray g = Nd4j.createFromArray(v);
        assertEquals(Math.sqrt(exact), GradientClipping.globalNorm(g), Math.sqrt(exact) * 1e-10);
        INDArray view = g.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4));
        double viewNorm = Math.sqrt((double) v[1] * v[1] + (double) v[2] * v[2] + (double) v[3] * v[3]);
        assertEquals(viewNorm, GradientClipping.globalNorm(view), viewNorm * 1e-6, "a view is not read past its end");
        assertEquals(13.0, GradientClipping.globalNorm(Nd4j.createFromArray(3.0, 4.0, 0.0, 12.0)), 1e-12);
    }

    @Test
    void clippingFactorMatchesTheInPlaceClipping() {
        assertEquals(1.0 / (13.0 + 1e-6), GradientClipping.scaleFor(13.0, 1.0), 1e-15);
        assertEquals(1.0, GradientClipping.scaleFor(0.5, 1.0), 0, "below the maximum");
        assertEquals(1.0, GradientClipping.scaleFor(13.0, 0), 0, "maxNorm 0 disables clipping");
        assertEquals(1.0, GradientClipping.scaleFor(13.0, Double.POSITIVE_INFINITY), 0);
        assertEquals(1.0, GradientClipping.scaleFor(Double.NaN, 1.0), 0, "a NaN norm leaves the gradient unscaled");
    }

    @Test
    void adamWWithAGradientScaleEqualsAdamWOnTheScaledGradient() {
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            int size = 10_000;
            Random r = new Random(5);
            double[] p0 = new double[size];
            for (int i = 0; i < size; i++) {
                p0[i] = r.nextGaussian();
            }
            INDArray folded = Nd4j.createFromArray(p0).castTo(dt);
            INDArray inPlace = folded.dup();
            AdamW a = new AdamW(size, dt, 0.9, 0.999, 1e-8, 0.01, null);
            AdamW b = new AdamW(size, dt, 0.9, 0.999, 1e-8, 0.01, null);
            for (int t = 0; t < 3; t++) {
                double[] g = new double[size];
                for (int i = 0; i < size; i++) {
                    g[i] = r.nextGaussian() * 3;
                }
                INDArray grad = Nd4j.createFromArray(g).castTo(dt);
                INDArray before = grad.dup();
                double norm = GradientClipping.globalNorm(grad);
                a.step(folded, grad, 1e-3, GradientClipping.scaleFor(norm, 1.0));
                assertEquals(before, grad, dt + ": the gradient is left as it was");
                GradientClipping.clipByGlobalNorm(grad, 1.0);
                b.step(inPlace, grad, 1e-3);
            }
            assertEquals(inPlace, folded, dt + ": same parameters bit for bit");
        }
        AdamW opt = new AdamW(2, DataType.FLOAT, 0.9, 0.999, 1e-8, 0, null);
        INDArray p = Nd4j.zeros(DataType.FLOAT, 2);
        assertThrows(IllegalArgumentException.class, () -> opt.step(p, p.dup(), 1e-3, 0));
        assertThrows(IllegalArgumentException.class, () -> opt.step(p, p.dup(), 1e-3, Double.NaN));
    }
}
