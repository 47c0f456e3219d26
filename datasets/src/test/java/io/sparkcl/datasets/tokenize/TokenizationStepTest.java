package io.sparkcl.datasets.tokenize;

import io.sparkcl.datasets.TestSupport;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.read.DatasetReader;
import io.sparkcl.datasets.read.ReadOptions;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.sampling.Sampling;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokenisation step with MiniLM's WordPiece tokenizer, checked against the tokenizer called directly. */
class TokenizationStepTest {
    private static final TokenizerSpec SPEC = new TokenizerSpec("all-minilm-l6-v2");
    private static SparkSession spark;
    private static DatasetReader reader;
    private static TextTokenizer tokenizer;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("tokenize");
        reader = new DatasetReader(spark, new ReadOptions(tmp.toUri().toString(), BadRowThreshold.count(0)));
        tokenizer = Tokenizers.load(SPEC);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void pairsAreTokenisedOnExecutorsAndTruncationIsCounted() {
        ReadResult rte = reader.readSplit(DatasetRegistry.get("glue-rte"), "dev", TestSupport.sharedDataRoot());
        int maxLength = 48;
        TokenizedData t = new TokenizationStep(SPEC, maxLength).apply(rte.data().repartition(3));
        List<Row> rows = t.data().collectAsList();
        assertEquals(277, t.rows());
        assertEquals(277, rows.size());
        assertEquals(tokenizer.padTokenId(), t.padTokenId());
        long expectedTruncated = 0;
        for (Row r : rows) {
            Encoding direct = tokenizer.encode(r.getAs("text"), r.getAs("text_pair"), maxLength);
            int[] ids = ints(r.getList(r.fieldIndex("input_ids")));
            assertArrayEquals(direct.inputIds(), ids);
            assertArrayEquals(direct.attentionMask(), ints(r.getList(r.fieldIndex("attention_mask"))));
            assertArrayEquals(direct.tokenTypeIds(), ints(r.getList(r.fieldIndex("token_type_ids"))));
            assertEquals(direct.truncated(), r.getAs("truncated"));
            assertTrue(ids.length <= maxLength);
            assertNull(r.get(r.fieldIndex("label_positions")));
            expectedTruncated += direct.truncated() ? 1 : 0;
        }
        assertTrue(expectedTruncated > 0 && expectedTruncated < 277, "some but not all RTE pairs exceed 48 tokens");
        assertEquals(expectedTruncated, t.truncatedRows());
    }

    @Test
    void dualclLabelPositionsMapBackToLabelIdsWithMultiTokenNames() {
        ReadResult trec = reader.readSplit(DatasetRegistry.get("trec"), "test", TestSupport.sharedDataRoot());
        List<String> names = trec.labels(); // description entity abbreviation human location numeric
        Dataset<Row> sample = Sampling.fewShot(trec.data(), 4, 9);
        int[][] namePieces = new int[names.size()][];
        boolean multiToken = false;
        for (int k = 0; k < names.size(); k++) {
            int[] ids = tokenizer.encode(names.get(k), null, 32).inputIds();
            namePieces[k] = Arrays.copyOfRange(ids, 1, ids.length - 1); // without [CLS] and [SEP]
            multiToken |= namePieces[k].length > 1;
        }
        assertTrue(multiToken, "at least one TREC label name is several WordPiece tokens");

        for (boolean training : new boolean[]{true, false}) {
            Dataset<Row> input = training ? LabelAwareInput.forTraining(sample, names, 3, 1)
                    : LabelAwareInput.forEvaluation(sample, names);
            List<Row> rows = new TokenizationStep(SPEC, 64).apply(input).data().collectAsList();
            assertEquals(24, rows.size());
            int shuffled = 0;
            for (Row r : rows) {
                int[] ids = ints(r.getList(r.fieldIndex("input_ids")));
                List<List<Integer>> positions = new ArrayList<>();
                for (Object p : r.getList(r.fieldIndex("label_positions"))) {
                    positions.add(scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<Integer>) p));
                }
                assertEquals(names.size(), positions.size());
                int firstSep = -1;
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] == ids[ids.length - 1]) { // [SEP]
                        firstSep = i;
                        break;
                    }
                }
                for (int k = 0; k < names.size(); k++) {
                    int[] at = positions.get(k).stream().mapToInt(p -> ids[p]).toArray();
                    assertArrayEquals(namePieces[k], at, "label " + names.get(k) + " in " + r.getAs("id"));
                    for (int p : positions.get(k)) {
                        assertTrue(p > 0 && p < firstSep, "label tokens are in the first segment");
                    }
                }
                List<Integer> order = r.getList(r.fieldIndex(LabelAwareInput.LABEL_ORDER));
                if (!order.equals(List.of(0, 1, 2, 3, 4, 5))) {
                    shuffled++;
                }
                // evaluation: names in dataset order, so label k's tokens come before label k+1's
                if (!training) {
                    for (int k = 1; k < names.size(); k++) {
                        assertTrue(positions.get(k).get(0) > positions.get(k - 1).get(positions.get(k - 1).size() - 1));
                    }
                }
            }
            assertEquals(training, shuffled > 0);
        }
    }
}
