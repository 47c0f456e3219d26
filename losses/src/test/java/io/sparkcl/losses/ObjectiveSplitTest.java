package io.sparkcl.losses;

import static io.sparkcl.losses.TestArrays.assertClose;
import static io.sparkcl.losses.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The split (distributed) evaluation of an objective — local CE per shard with the global batch size as
 * normalizer, contrastive term once on the gathered batch — equals the one-call evaluation.
 */
class ObjectiveSplitTest {
    private static final int N = 10;
    private static final int K = 3;
    private static final int D = 4;

    private static INDArray rows(INDArray a, int from, int to) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return a.get(idx).dup();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "scl", "dualcl"})
    void shardsAddUpToTheWholeBatch(String name) {
        Objective objective = new Objective(Method.parse(name), 0.3, 0.2);
        INDArray z = gaussian(1, DataType.DOUBLE, N, D);
        INDArray logits = gaussian(2, DataType.DOUBLE, N, K);
        INDArray theta = gaussian(3, DataType.DOUBLE, N, K, D);
        INDArray y = Nd4j.createFromArray(0, 1, 2, 0, 1, 1, 0, 2, 2, 1);
        ObjectiveResult whole = objective.compute(z, logits, theta, y);

        int cut = 4; // two shards of unequal size
        ContrastivePart con = objective.contrastive(z, theta, y);
        double ceSum = 0;
        double total = con.value();
        INDArray[] gradLogits = new INDArray[2];
        INDArray[] gradZ = new INDArray[2];
        INDArray[] gradTheta = new INDArray[2];
        int[][] bounds = {{0, cut}, {cut, N}};
        for (int s = 0; s < 2; s++) {
            int a = bounds[s][0];
            int b = bounds[s][1];
            CrossEntropyPart ce = objective.crossEntropy(rows(logits, a, b), rows(z, a, b), rows(theta, a, b),
                    rows(y, a, b), N);
            ceSum += ce.unweighted();
            total += ce.value();
            gradLogits[s] = ce.gradLogits();
            gradZ[s] = ce.gradFeatures();
            gradTheta[s] = ce.gradLabelFeatures();
        }
        ObjectiveParts parts = objective.parts(ceSum, con);
        assertEquals(whole.parts().total(), parts.total(), 1e-12);
        assertEquals(whole.parts().total(), total, 1e-12);
        assertEquals(whole.parts().ce(), parts.ce(), 1e-12);
        assertEquals(whole.parts().contrastive(), parts.contrastive(), 1e-12);

        switch (objective.method()) {
            case CE -> {
                assertNull(whole.gradFeatures());
                assertNull(con.gradFeatures());
                assertClose(whole.gradLogits(), Nd4j.vstack(gradLogits), 1e-12, 0, "CE logits");
            }
            case SCL -> {
                assertClose(whole.gradLogits(), Nd4j.vstack(gradLogits), 1e-12, 0, "SCL logits");
                assertClose(whole.gradFeatures(), con.gradFeatures(), 1e-12, 0, "SCL features");
                assertNull(whole.gradLabelFeatures());
            }
            case DUALCL -> {
                assertNull(whole.gradLogits());
                assertClose(whole.gradFeatures(), Nd4j.vstack(gradZ).add(con.gradFeatures()), 1e-12, 0, "z");
                assertClose(whole.gradLabelFeatures(), Nd4j.concat(0, gradTheta).add(con.gradLabelFeatures()),
                        1e-12, 0, "theta");
                assertEquals(parts.contrastive(), parts.lz() + parts.ltheta(), 1e-12);
            }
            default -> throw new AssertionError();
        }
    }
}
