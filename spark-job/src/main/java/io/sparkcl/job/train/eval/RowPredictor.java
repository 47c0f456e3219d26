package io.sparkcl.job.train.eval;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.exec.MicroBatches;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.ForwardState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Class probabilities for rows, without dropout, in micro-batches. CE/SCL use the linear head's logits;
 * DualCL uses logits z_i·θ_i^k with θ from the label positions (label order fixed at evaluation).
 */
public final class RowPredictor {
    private RowPredictor() {
    }

    /** Class probabilities and the pooled feature of one row. */
    public record Scored(float[] probabilities, float[] pooled) implements java.io.Serializable {
    }

    public static List<float[]> probabilities(BertEncoderModel model, List<TrainingRow> rows, boolean dualCl, int padId,
                                              int microBatch) {
        return scores(model, rows, dualCl, padId, microBatch).stream().map(Scored::probabilities).toList();
    }

    /** Probabilities and pooled features (the sentence feature z) of every row. */
    public static List<Scored> scores(BertEncoderModel model, List<TrainingRow> rows, boolean dualCl, int padId,
                                      int microBatch) {
        List<Scored> out = new ArrayList<>(rows.size());
        for (List<TrainingRow> mb : MicroBatches.split(rows, microBatch)) {
            ForwardState s = model.forward(MicroBatches.encode(mb, padId, 0, -1, dualCl), false);
            INDArray logits = dualCl ? dualLogits(s.pooled(), s.labelFeatures()) : s.logits();
            INDArray l = logits.castTo(DataType.DOUBLE);
            INDArray max = l.max(true, 1);
            INDArray e = org.nd4j.linalg.ops.transforms.Transforms.exp(l.subColumnVector(max), false);
            INDArray p = e.divColumnVector(e.sum(true, 1));
            for (int i = 0; i < mb.size(); i++) {
                out.add(new Scored(p.getRow(i).castTo(DataType.FLOAT).dup().toFloatVector(),
                        s.pooled().getRow(i).castTo(DataType.FLOAT).dup().toFloatVector()));
            }
        }
        return out;
    }

    /** logits[i,k] = z_i · θ_i^k for z [n,d], θ [n,K,d]. */
    public static INDArray dualLogits(INDArray z, INDArray theta) {
        long n = z.size(0);
        long d = z.size(1);
        INDArray z3 = z.reshape(n, d, 1);
        return Nd4j.matmul(theta, z3).reshape(n, theta.size(1));
    }

    public static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
