package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BertParametersTest {
    private static final BertConfig CFG = EncoderTestFixtures.micro();

    @Test
    void randomInitIsDeterministicAndFollowsBertInitialisation() {
        BertParameters a = BertParameters.randomInit(CFG, 3, 7L, DataType.FLOAT);
        BertParameters b = BertParameters.randomInit(CFG, 3, 7L, DataType.FLOAT);
        BertParameters c = BertParameters.randomInit(CFG, 3, 8L, DataType.FLOAT);
        assertEquals(a.flat(), b.flat());
        assertNotEquals(a.flat(), c.flat());
        assertEquals(1.0, a.tensor("encoder.layer.1.output.LayerNorm.weight").minNumber().doubleValue());
        assertEquals(0.0, a.tensor("encoder.layer.0.intermediate.dense.bias").amaxNumber().doubleValue());
        INDArray w = a.tensor(BertParameters.WORD_EMBEDDINGS);
        assertEquals(0.02, w.stdNumber().doubleValue(), 0.002);
        assertArrayEquals(new long[]{12, 8}, a.tensor("encoder.layer.0.intermediate.dense.weight").shape());
        assertArrayEquals(new long[]{3, 8}, a.tensor(BertParameters.CLASSIFIER_WEIGHT).shape());
        // The tiny-random config has the MiniLM vocabulary.
        assertEquals(30522, BertConfig.tinyRandom().vocabSize());
    }

    @Test
    void tensorsAreViewsOfTheFlatArrayAndQkvIsContiguous() {
        BertParameters p = BertParameters.randomInit(CFG, 2, 1L, DataType.DOUBLE);
        p.tensor("encoder.layer.0.attention.self.key.weight").putScalar(0, 0, 42.0);
        long off = p.slot("encoder.layer.0.attention.self.key.weight").offset();
        assertEquals(42.0, p.flat().getDouble(off));
        assertEquals(p.slot("encoder.layer.0.attention.self.query.weight").offset() + 64, off);
        long total = 0;
        for (String n : p.names()) {
            total += p.slot(n).length();
        }
        assertEquals(p.size(), total);
        INDArray mask = p.weightDecayMask();
        assertEquals(0.0, p.tensorIn(mask, "encoder.layer.0.attention.output.LayerNorm.weight").amaxNumber().doubleValue());
        assertEquals(0.0, p.tensorIn(mask, "encoder.layer.0.attention.self.value.bias").amaxNumber().doubleValue());
        assertEquals(1.0, p.tensorIn(mask, "encoder.layer.0.attention.self.value.weight").minNumber().doubleValue());
        assertEquals(1.0, p.tensorIn(mask, BertParameters.WORD_EMBEDDINGS).minNumber().doubleValue());
    }

    @Test
    void huggingFaceRoundTripAndClearErrors() {
        BertParameters p = BertParameters.randomInit(CFG, 2, 3L, DataType.FLOAT);
        Map<String, INDArray> hf = new HashMap<>();
        p.toHuggingFace().forEach((k, v) -> hf.put(k, v.dup()));
        assertEquals(p.flat(), BertParameters.fromHuggingFace(CFG, 2, hf, "test.safetensors").flat());

        Map<String, INDArray> noHead = new HashMap<>(hf);
        noHead.remove(BertParameters.CLASSIFIER_WEIGHT);
        noHead.remove(BertParameters.CLASSIFIER_BIAS);
        BertParameters h1 = BertParameters.fromHuggingFace(CFG, 2, noHead, "x");
        BertParameters h2 = BertParameters.fromHuggingFace(CFG, 2, noHead, "x");
        assertEquals(h1.tensor(BertParameters.CLASSIFIER_WEIGHT), h2.tensor(BertParameters.CLASSIFIER_WEIGHT));
        assertEquals(p.tensor(BertParameters.WORD_EMBEDDINGS), h1.tensor(BertParameters.WORD_EMBEDDINGS));

        Map<String, INDArray> missing = new HashMap<>(hf);
        missing.remove("encoder.layer.1.intermediate.dense.bias");
        ModelLoadException e1 = assertThrows(ModelLoadException.class,
                () -> BertParameters.fromHuggingFace(CFG, 2, missing, "dir/model.safetensors"));
        assertTrue(e1.getMessage().contains("encoder.layer.1.intermediate.dense.bias")
                && e1.getMessage().contains("dir/model.safetensors"), e1.getMessage());

        Map<String, INDArray> extra = new HashMap<>(hf);
        extra.put("encoder.layer.5.output.dense.weight", Nd4j.zeros(8, 12));
        ModelLoadException e2 = assertThrows(ModelLoadException.class,
                () -> BertParameters.fromHuggingFace(CFG, 2, extra, "m.bin"));
        assertTrue(e2.getMessage().contains("encoder.layer.5.output.dense.weight"), e2.getMessage());

        Map<String, INDArray> wrong = new HashMap<>(hf);
        wrong.put("encoder.layer.0.output.dense.weight", Nd4j.zeros(12, 8));
        ModelLoadException e3 = assertThrows(ModelLoadException.class,
                () -> BertParameters.fromHuggingFace(CFG, 2, wrong, "m.bin"));
        assertTrue(e3.getMessage().contains("encoder.layer.0.output.dense.weight") && e3.getMessage().contains("[12, 8]"),
                e3.getMessage());
    }
}
