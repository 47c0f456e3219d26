package io.sparkcl.job.train;

import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.data.EpochOrder;
import io.sparkcl.job.train.data.RowBatches;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.losses.ContrastivePart;
import io.sparkcl.losses.CrossEntropyPart;
import io.sparkcl.losses.Objective;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ForwardState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The plain single-JVM training loop the distributed trainer must agree with: the same global batches
 * (same epoch order and dropout seeds), but each step is ONE full-batch forward, the whole objective
 * (contrastive part over the batch features + CE), and ONE backward; no Spark, no micro-batches, no
 * second pass. Same optimizer (clipping, AdamW, schedule) as the distributed trainer.
 */
public final class LocalReferenceTrainer {
    private final TrainConfig c;
    private final List<TrainingRow> rowsByIndex;
    private final ModelStart start;

    /** @param rowsByIndex the training rows, {@code rowsByIndex.get(i).index() == i} */
    public LocalReferenceTrainer(TrainConfig config, List<TrainingRow> rowsByIndex, ModelStart start) {
        for (int i = 0; i < rowsByIndex.size(); i++) {
            if (rowsByIndex.get(i).index() != i) {
                throw new IllegalArgumentException("rowsByIndex[" + i + "] has index " + rowsByIndex.get(i).index());
            }
        }
        this.c = config;
        this.rowsByIndex = rowsByIndex;
        this.start = start;
    }

    /** Runs the configured number of steps and returns the final flat parameters; losses per step in {@code losses}. */
    public float[] train(int padId, List<Double> losses) {
        return train(padId, losses, null);
    }

    /** As {@link #train(int, List)}, adding each step's wall time (nanos) to {@code stepNanos} when not null. */
    public float[] train(int padId, List<Double> losses, List<Long> stepNanos) {
        long seed = c.schedule().seed();
        EpochOrder order = new EpochOrder(seed, rowsByIndex.size(), c.schedule().globalBatch());
        long total = c.schedule().totalSteps(order.stepsPerEpoch());
        Objective objective = c.objective().objective();
        BertParameters params = BertParameters.zeros(start.config(), start.numLabels(), DataType.FLOAT);
        // the model reads the optimizer's parameters in place, as a one-process loop does (no copy per step)
        ParameterUpdater updater = new ParameterUpdater(start, c.optim(), total, params.flat());
        BertEncoderModel model = new BertEncoderModel(params, c.model().pooling());
        ClassifierHead head = c.model().head();
        boolean dual = head.labelAwareInput();
        for (long step = 0; step < total; step++) {
            long t0 = System.nanoTime();
            List<TrainingRow> batch = new ArrayList<>();
            for (long i : order.batch(step)) {
                batch.add(rowsByIndex.get((int) i));
            }
            INDArray y = Nd4j.createFromArray(RowBatches.labels(batch));
            ForwardState st = model.forward(RowBatches.encode(batch, padId, head, seed, step), true);
            INDArray z = st.pooled();
            INDArray theta = dual ? st.labelFeatures() : null;
            CrossEntropyPart ce = objective.crossEntropy(dual ? null : st.logits(), z, theta, y, batch.size());
            INDArray gradZ = ce.gradFeatures();
            INDArray gradTheta = ce.gradLabelFeatures();
            double loss = ce.value();
            if (c.objective().hasContrastive()) {
                // the contrastive term in float64, as the distributed driver computes it
                ContrastivePart con = objective.contrastive(z.castTo(DataType.DOUBLE),
                        dual ? theta.castTo(DataType.DOUBLE) : null, y);
                loss += con.value();
                INDArray gz = con.gradFeatures().castTo(DataType.FLOAT);
                gradZ = gradZ == null ? gz : gradZ.add(gz);
                if (dual) {
                    gradTheta = gradTheta.add(con.gradLabelFeatures().castTo(DataType.FLOAT));
                }
            }
            INDArray grad = Nd4j.zeros(DataType.FLOAT, params.flat().length());
            model.backward(st, gradZ, ce.gradLogits(), gradTheta, grad);
            if (losses != null) {
                losses.add(loss);
            }
            updater.apply(step, grad);
            if (stepNanos != null) {
                stepNanos.add(System.nanoTime() - t0);
            }
        }
        return updater.params();
    }
}
