package io.sparkcl.model;

import io.sparkcl.losses.CrossEntropyLoss;
import io.sparkcl.losses.CrossEntropyResult;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.ForwardState;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.optim.AdamW;
import io.sparkcl.model.optim.GradientClipping;
import io.sparkcl.model.optim.LearningRateSchedule;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real weights, real data: CE fine-tuning of the shipped MiniLM on a slice of SST-2 (DualCL's sentence-level
 * version) with the hand-written backward and AdamW clearly beats the untrained head on held-out test rows.
 */
class MiniLmFineTuningTest {

    private static final Logger LOG = LoggerFactory.getLogger(MiniLmFineTuningTest.class);
    static final int STEPS = 96;
    static final int BATCH = 16;
    static final int MAX_LENGTH = 32;
    static final int HELD_OUT = 200;

    @Test
    void ceFineTuningBeatsTheUntrainedHeadOnHeldOutRows() {
        PretrainedModel pre = ModelRegistry.load("all-minilm-l6-v2", 2);
        BertParameters params = pre.parameters();
        TextTokenizer tok = Tokenizers.load(pre.tokenizerSpec());
        List<RealData.Row> train = RealData.dualcl("SST2_Train.json", STEPS * BATCH);
        List<RealData.Row> test = RealData.dualcl("SST2_Test.json", HELD_OUT);
        List<String> classes = List.of("negative", "positive");
        BertEncoderModel model = new BertEncoderModel(params, Pooling.MEAN);

        double before = accuracy(model, tok, test, classes);

        AdamW adamW = AdamW.forParameters(params, 0.01);
        LearningRateSchedule lr = LearningRateSchedule.withWarmupRatio(1e-4, 0.1, STEPS);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        INDArray grad = Nd4j.create(DataType.FLOAT, params.size());
        SplittableRandom rng = new SplittableRandom(11);
        long t0 = System.nanoTime();
        double firstLoss = 0;
        double lastLoss = 0;
        for (int step = 0; step < STEPS; step++) {
            List<RealData.Row> rows = train.subList(step * BATCH, (step + 1) * BATCH);
            List<Encoding> enc = tok.encodeBatch(rows.stream().map(RealData.Row::text).toList(), null, MAX_LENGTH);
            long[] seeds = new long[BATCH];
            float[] labels = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                seeds[i] = rng.nextLong();
                labels[i] = classes.indexOf(rows.get(i).label());
            }
            EncoderBatch batch = EncoderInputs.pad(enc, tok.padTokenId(), seeds);
            ForwardState s = model.forward(batch, true);
            CrossEntropyResult r = ce.compute(s.logits(), Nd4j.createFromArray(labels), BATCH);
            grad.assign(0);
            model.backward(s, null, r.gradLogits(), null, grad);
            GradientClipping.clipByGlobalNorm(grad, 1.0);
            adamW.step(params.flat(), grad, lr.at(step));
            if (step < 10) {
                firstLoss += r.value() / 10;
            }
            if (step >= STEPS - 10) {
                lastLoss += r.value() / 10;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double after = accuracy(model, tok, test, classes);
        LOG.info("MiniLM SST-2: {} steps x {} rows in {} s; loss {} -> {}; held-out accuracy {} -> {}", STEPS, BATCH,
                String.format("%.1f", seconds), firstLoss, lastLoss, before, after);
        assertTrue(lastLoss < firstLoss, "training loss decreases: " + firstLoss + " -> " + lastLoss);
        assertTrue(after >= 0.75, "fine-tuned held-out accuracy " + after);
        assertTrue(after - before >= 0.15, "clear gain over the untrained head: " + before + " -> " + after);
    }

    private static double accuracy(BertEncoderModel model, TextTokenizer tok, List<RealData.Row> rows,
                                   List<String> classes) {
        int correct = 0;
        for (int start = 0; start < rows.size(); start += 64) {
            List<RealData.Row> chunk = rows.subList(start, Math.min(rows.size(), start + 64));
            List<Encoding> enc = tok.encodeBatch(chunk.stream().map(RealData.Row::text).toList(), null, MAX_LENGTH);
            ForwardState s = model.forward(EncoderInputs.pad(enc, tok.padTokenId(), null), false);
            INDArray predicted = s.logits().argMax(1);
            for (int i = 0; i < chunk.size(); i++) {
                if (predicted.getInt(i) == classes.indexOf(chunk.get(i).label())) {
                    correct++;
                }
            }
        }
        return correct / (double) rows.size();
    }
}
