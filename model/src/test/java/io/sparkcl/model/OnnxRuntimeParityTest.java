package io.sparkcl.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.registry.ModelArtifacts;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import io.sparkcl.model.registry.ShippedModel;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped MiniLM, loaded from its ONNX initializers into our encoder, gives the same last_hidden_state as
 * onnxruntime running the ONNX graph itself, on a padded batch of real sentences (and one sentence pair, so
 * token type 1 is exercised).
 */
class OnnxRuntimeParityTest {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeParityTest.class);

    @Test
    void lastHiddenStateMatchesOnnxRuntimeOnAPaddedBatch() throws Exception {
        PretrainedModel model = ModelRegistry.load("all-minilm-l6-v2", 0);
        TextTokenizer tokenizer = Tokenizers.load(model.tokenizerSpec());
        List<Encoding> rows = new ArrayList<>();
        List<RealData.Row> sst = RealData.dualcl("SST2_Test.json", 40);
        for (int i = 0; i < 40; i += 6) {
            rows.add(tokenizer.encode(sst.get(i).text(), null, 64));
        }
        RealData.Pair pair = RealData.rteDev(1).get(0);
        rows.add(tokenizer.encode(pair.first(), pair.second(), 64));
        EncoderBatch batch = EncoderInputs.pad(rows, tokenizer.padTokenId(), null);
        int n = batch.size();
        int t = batch.seqLength();
        int shortest = rows.stream().mapToInt(Encoding::length).min().orElseThrow();
        assertTrue(t - shortest >= 10, "the batch is really padded: lengths " + shortest + ".." + t);

        INDArray ours = new BertEncoderModel(model.parameters(), Pooling.MEAN).forward(batch, false).lastHiddenState();
        float[][][] reference = runOnnxRuntime(batch);

        double maxDiff = 0;
        double maxDiffReal = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                for (int k = 0; k < 384; k++) {
                    double diff = Math.abs(ours.getDouble(i, j, k) - reference[i][j][k]);
                    maxDiff = Math.max(maxDiff, diff);
                    if (batch.attentionMask()[i][j] == 1) {
                        maxDiffReal = Math.max(maxDiffReal, diff);
                    }
                }
            }
        }
        LOG.info("MiniLM vs onnxruntime, batch {}x{}: max |diff| {} (real tokens {})", n, t, maxDiff, maxDiffReal);
        assertEquals(n * t * 384L, ours.length());
        assertTrue(maxDiff <= 1e-4, "max abs difference of last_hidden_state " + maxDiff);
    }

    private static float[][][] runOnnxRuntime(EncoderBatch batch) throws Exception {
        ShippedModel m = ShippedModel.ALL_MINILM_L6_V2;
        byte[] onnx = ModelArtifacts.readAllBytes(m, m.onnxResource());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx, options);
                 OnnxTensor ids = OnnxTensor.createTensor(env, toLong(batch.inputIds()));
                 OnnxTensor mask = OnnxTensor.createTensor(env, toLong(batch.attentionMask()));
                 OnnxTensor types = OnnxTensor.createTensor(env, toLong(batch.tokenTypeIds()));
                 OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                         "token_type_ids", types))) {
                return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            }
        }
    }

    private static long[][] toLong(int[][] a) {
        long[][] out = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new long[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = a[i][j];
            }
        }
        return out;
    }
}
