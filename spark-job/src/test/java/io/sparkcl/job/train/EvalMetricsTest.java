package io.sparkcl.job.train;

import io.sparkcl.job.train.eval.ConfusionMatrix;
import io.sparkcl.job.train.eval.EvalMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvalMetricsTest {

    @Test
    void metricsMatchHandComputedConfusionMatrix() {
        // gold\pred   a  b  c
        //   a         5  1  0
        //   b         2  3  1
        //   c         0  0  0      (no gold c, one wrong c prediction)
        ConfusionMatrix m = new ConfusionMatrix(3);
        add(m, 0, 0, 5);
        add(m, 0, 1, 1);
        add(m, 1, 0, 2);
        add(m, 1, 1, 3);
        add(m, 1, 2, 1);
        EvalMetrics e = EvalMetrics.of("dev", m, List.of("a", "b", "c"));
        assertEquals(12, e.rows());
        assertEquals(8.0 / 12, e.accuracy(), 1e-12);
        // a: P = 5/7, R = 5/6;  b: P = 3/4, R = 3/6;  c: P = 0/1, R = 0 (no gold)
        double fa = 2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6);
        double fb = 2 * 0.75 * 0.5 / 1.25;
        assertEquals(5.0 / 7, e.precision()[0], 1e-12);
        assertEquals(5.0 / 6, e.recall()[0], 1e-12);
        assertEquals(0.75, e.precision()[1], 1e-12);
        assertEquals(0.5, e.recall()[1], 1e-12);
        assertEquals(0, e.precision()[2]);
        assertEquals(0, e.f1()[2]);
        assertEquals(fa, e.f1()[0], 1e-12);
        assertEquals((fa + fb + 0) / 3, e.macroF1(), 1e-12);
    }

    @Test
    void mergeAddsPartitionMatrices() {
        ConfusionMatrix a = new ConfusionMatrix(2);
        ConfusionMatrix b = new ConfusionMatrix(2);
        add(a, 0, 0, 2);
        add(b, 0, 0, 3);
        add(b, 1, 0, 1);
        a.merge(b);
        assertEquals(5, a.count(0, 0));
        assertEquals(1, a.count(1, 0));
        assertEquals(6, a.total());
        assertThrows(IllegalArgumentException.class, () -> a.add(2, 0));
    }

    private static void add(ConfusionMatrix m, int gold, int pred, int times) {
        for (int i = 0; i < times; i++) {
            m.add(gold, pred);
        }
    }
}
