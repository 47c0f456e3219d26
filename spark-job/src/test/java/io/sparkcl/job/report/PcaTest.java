package io.sparkcl.job.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PcaTest {

    @Test
    void recoversTheTwoDirectionsOfLargestVariance() {
        // rows = 3 + 5·a·u + 2·b·v in 6-D with orthonormal u, v and (a, b) on the symmetric grid {-2..2}², whose
        // sample covariance is exactly diagonal: the projection must be (5a, 2b)
        double[] u = {0.6, 0.8, 0, 0, 0, 0};
        double[] v = {0, 0, 0, 1, 0, 0};
        float[][] rows = new float[25][6];
        int[][] ab = new int[25][2];
        int i = 0;
        for (int a = -2; a <= 2; a++) {
            for (int b = -2; b <= 2; b++) {
                ab[i][0] = a;
                ab[i][1] = b;
                for (int j = 0; j < 6; j++) {
                    rows[i][j] = (float) (3 + 5 * a * u[j] + 2 * b * v[j]);
                }
                i++;
            }
        }
        double[][] p = Pca.project2d(rows);
        for (i = 0; i < 25; i++) {
            // the largest entries of u (0.8) and v (1) are positive, so the axes keep their signs
            assertEquals(5 * ab[i][0], p[i][0], 1e-4);
            assertEquals(2 * ab[i][1], p[i][1], 1e-4);
        }
    }

    @Test
    void aSingleDistinctRowProjectsToTheOrigin() {
        double[][] p = Pca.project2d(new float[][]{{1, 2, 3}, {1, 2, 3}});
        assertEquals(0, p[0][0], 0);
        assertEquals(0, p[1][1], 0);
    }
}
