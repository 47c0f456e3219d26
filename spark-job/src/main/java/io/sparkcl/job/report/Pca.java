package io.sparkcl.job.report;

/**
 * Projection of row vectors onto their first two principal components: the rows are centred, the top two
 * eigenvectors of their covariance are found by power iteration (the second after deflating the first),
 * and each eigenvector's sign is fixed so that its largest-magnitude entry is positive, which makes the
 * picture deterministic.
 */
public final class Pca {
    private static final int ITERATIONS = 500;

    private Pca() {
    }

    /** [n][2] coordinates of {@code rows} ([n][d], n ≥ 1) on the first two principal axes. */
    public static double[][] project2d(float[][] rows) {
        int n = rows.length;
        int d = rows[0].length;
        double[] mean = new double[d];
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / (double) n;
            }
        }
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = rows[i][j] - mean[j];
            }
        }
        double[][] cov = new double[d][d];
        for (double[] r : x) {
            for (int a = 0; a < d; a++) {
                if (r[a] == 0) {
                    continue;
                }
                for (int b = a; b < d; b++) {
                    cov[a][b] += r[a] * r[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        double[] first = topEigenvector(cov);
        double lambda = rayleigh(cov, first);
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                cov[a][b] -= lambda * first[a] * first[b];
            }
        }
        double[] second = topEigenvector(cov);
        double[][] out = new double[n][2];
        for (int i = 0; i < n; i++) {
            out[i][0] = dot(x[i], first);
            out[i][1] = dot(x[i], second);
        }
        return out;
    }

    static double[] topEigenvector(double[][] m) {
        int d = m.length;
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = 1.0 / Math.sqrt(d) * (1 + 0.01 * j); // not orthogonal to any axis in practice
        }
        normalise(v);
        for (int it = 0; it < ITERATIONS; it++) {
            double[] next = multiply(m, v);
            if (!normalise(next)) {
                return v; // a zero matrix: any direction
            }
            double change = 0;
            for (int j = 0; j < d; j++) {
                change = Math.max(change, Math.abs(next[j] - v[j]));
            }
            v = next;
            if (change < 1e-10) {
                break;
            }
        }
        int largest = 0;
        for (int j = 1; j < d; j++) {
            if (Math.abs(v[j]) > Math.abs(v[largest])) {
                largest = j;
            }
        }
        if (v[largest] < 0) {
            for (int j = 0; j < d; j++) {
                v[j] = -v[j];
            }
        }
        return v;
    }

    private static double rayleigh(double[][] m, double[] v) {
        return dot(v, multiply(m, v));
    }

    private static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[v.length];
        for (int a = 0; a < m.length; a++) {
            out[a] = dot(m[a], v);
        }
        return out;
    }

    private static boolean normalise(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm == 0) {
            return false;
        }
        for (int j = 0; j < v.length; j++) {
            v[j] /= norm;
        }
        return true;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }
}
