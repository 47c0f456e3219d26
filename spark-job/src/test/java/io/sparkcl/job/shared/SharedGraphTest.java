package io.sparkcl.job.shared;

import io.sparkcl.job.train.ModelStart;
import io.sparkcl.job.train.SyntheticData;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.data.RowBatches;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.losses.Method;
import io.sparkcl.losses.Objective;
import io.sparkcl.losses.ObjectiveResult;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ForwardState;
import io.sparkcl.model.encoder.Pooling;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DL4J graph of shared mode against the encoder and objective called directly, and training it in one JVM. */
class SharedGraphTest {
    static final int K = 3;

    static ModelStart start(double dropout, long seed) {
        BertConfig cfg = SyntheticData.tinyConfig(dropout);
        float[] p = BertParameters.randomInit(cfg, K, seed, DataType.FLOAT).flat().dup().data().asFloat();
        return new ModelStart(cfg, K, p);
    }

    static SharedSettings settings(Method method, double lr) {
        return new SharedSettings(new Objective(method, method == Method.SCL ? 0.5 : 0.3, 0.3), Pooling.CLS, 7L, lr,
                0.0, 0.0, 1.0, 8, 1, 1e-3, 40123, null);
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void lossAndGradientAreTheEncoderAndObjectiveCalledDirectly(Method method) {
        boolean dual = method == Method.DUALCL;
        List<TrainingRow> rows = SyntheticData.rows(10, K, dual, 3, 0);
        ModelStart start = start(0.0, 11);
        RowFeatures features = RowFeatures.fitting(rows, K);
        SharedSettings s = settings(method, 1e-3);
        ComputationGraph graph = SharedGraph.build(start, features, s, 10);
        DataSet ds = features.toDataSet(rows);
        graph.setInput(0, ds.getFeatures());
        graph.setLabel(0, ds.getLabels());
        graph.computeGradientAndScore();
        INDArray dl4jGradient = graph.gradient().gradient().reshape(start.params().length);

        BertParameters p = BertParameters.randomInit(start.config(), K, 0, DataType.FLOAT);
        p.flat().assign(Nd4j.createFromArray(start.params()));
        BertEncoderModel model = new BertEncoderModel(p, Pooling.CLS);
        // training = true keeps the activations backward needs; dropout is 0 here, so the pass is deterministic
        ForwardState st = model.forward(RowBatches.encode(rows, SyntheticData.PAD,
                dual ? ClassifierHead.DUALCL : ClassifierHead.LINEAR, 7L, -1), true);
        ObjectiveResult r = s.objective().compute(st.pooled(), dual ? null : st.logits(),
                dual ? st.labelFeatures() : null, Nd4j.createFromArray(RowBatches.labels(rows)));
        INDArray direct = Nd4j.zeros(DataType.FLOAT, p.size());
        model.backward(st, r.gradFeatures(), r.gradLogits(), r.gradLabelFeatures(), direct);

        assertEquals(r.parts().total(), graph.score(), 1e-6 * Math.abs(r.parts().total()));
        double diff = dl4jGradient.sub(direct).norm2Number().doubleValue();
        double norm = direct.norm2Number().doubleValue();
        assertTrue(norm > 0, "the gradient is not zero");
        assertTrue(diff <= 1e-6 * norm, "DL4J's gradient differs from the encoder's by " + diff + " (norm " + norm + ")");
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void fittingTheGraphLowersTheLoss(Method method) {
        boolean dual = method == Method.DUALCL;
        List<TrainingRow> rows = SyntheticData.rows(16, K, dual, 4, 0);
        ModelStart start = start(0.1, 12);
        RowFeatures features = RowFeatures.fitting(rows, K);
        ComputationGraph graph = SharedGraph.build(start, features, settings(method, 1e-2), 40);
        DataSet ds = features.toDataSet(rows);
        double before = graph.score(ds, false);
        long t0 = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            graph.fit(ds);
        }
        System.out.println(method + ": 40 fits in " + (System.nanoTime() - t0) / 1e6 + " ms");
        double after = graph.score(ds, false);
        assertEquals(40, graph.getIterationCount());
        assertTrue(after < 0.7 * before, method + ": loss " + before + " -> " + after);
    }
}
