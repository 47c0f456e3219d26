package io.sparkcl.datasets.read;

import io.sparkcl.datasets.TestSupport;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.registry.DatasetRegistry;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The GLUE tasks not in the shared data, read from small files written here in their published formats. */
class GlueFormatsTest {
    private static SparkSession spark;
    private static DatasetReader reader;
    @TempDir
    static Path root;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("glue-formats");
        reader = new DatasetReader(spark, new ReadOptions(root.resolve("quarantine").toUri().toString(),
                BadRowThreshold.count(0)));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static void write(String relative, String... lines) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, String.join("\n", lines) + "\n");
    }

    private static List<Row> rows(String dataset, String split) {
        return reader.readSplit(DatasetRegistry.get(dataset), split, root.toUri().toString())
                .data().orderBy("id").collectAsList();
    }

    @Test
    void mnliTrainDevMatchedMismatchedAndTest() throws IOException {
        String trainHeader = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\t"
                + "sentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label";
        write("glue/MNLI/train.tsv", trainHeader,
                "0\t31193\t31193n\tgovernment\t( ( x ) )\t( y )\t(ROOT x)\t(ROOT y)\tConceptually cream skimming has two basic dimensions.\tProduct and geography are what make cream skimming work.\tneutral\tneutral",
                "1\t101457\t101457e\ttelephone\t( a )\t( b )\t(ROOT a)\t(ROOT b)\tyou know during the season.\tYou lose the things.\tentailment\tentailment");
        String devHeader = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\t"
                + "sentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label";
        write("glue/MNLI/dev_matched.tsv", devHeader,
                "0\t63735\t63735n\tslate\t( a )\t( b )\t(ROOT a)\t(ROOT b)\tThe new rights are nice enough\tEveryone really likes the newest benefits\tneutral\tentailment\tneutral\tneutral\tneutral\tneutral");
        write("glue/MNLI/dev_mismatched.tsv", devHeader,
                "0\t75290\t75290c\tletters\t( a )\t( b )\t(ROOT a)\t(ROOT b)\tYour contribution helped.\tYour contribution did nothing.\tcontradiction\tcontradiction\tcontradiction\tcontradiction\tcontradiction\tcontradiction");
        String testHeader = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\t"
                + "sentence1_parse\tsentence2_parse\tsentence1\tsentence2";
        write("glue/MNLI/test_matched.tsv", testHeader, "0\t31493\t31493\tgovernment\t( a )\t( b )\t(ROOT a)\t(ROOT b)\tHierbas, ans seco.\tHierbas is a name.");
        write("glue/MNLI/test_mismatched.tsv", testHeader, "0\t1\t1\tfiction\t( a )\t( b )\t(ROOT a)\t(ROOT b)\tP one.\tP two.");

        List<Row> train = rows("glue-mnli", "train");
        assertEquals(2, train.size());
        assertEquals("Conceptually cream skimming has two basic dimensions.", train.get(0).getString(1));
        assertEquals("Product and geography are what make cream skimming work.", train.get(0).getString(2));
        assertEquals("neutral", train.get(0).getString(3));
        assertEquals(2, train.get(0).getInt(4)); // contradiction, entailment, neutral
        assertEquals(1, train.get(1).getInt(4));
        assertEquals("neutral", rows("glue-mnli", "dev_matched").get(0).getString(3));
        Row mismatched = rows("glue-mnli", "dev_mismatched").get(0);
        assertEquals(0, mismatched.getInt(4));
        assertEquals("dev_mismatched", mismatched.getString(5));
        Row test = rows("glue-mnli", "test_matched").get(0);
        assertEquals("Hierbas is a name.", test.getString(2));
        assertNull(test.get(3));
        assertNull(test.get(4));
        assertEquals(1, rows("glue-mnli", "test_mismatched").size());
    }

    @Test
    void qnliQqpWnliMrpc() throws IOException {
        write("glue/QNLI/train.tsv", "index\tquestion\tsentence\tlabel",
                "0\tWhen did the third Digimon series begin?\tUnlike the two seasons before it, it was darker.\tnot_entailment",
                "1\tWhich missile batteries often have individual launchers?\tThe missile batteries are spread out.\tentailment");
        write("glue/QNLI/test.tsv", "index\tquestion\tsentence", "0\tWhat is it?\tIt is a test.");
        List<Row> qnli = rows("glue-qnli", "train");
        assertEquals(List.of(1, 0), qnli.stream().map(r -> r.getInt(4)).toList());
        assertEquals("When did the third Digimon series begin?", qnli.get(0).getString(1));
        assertNull(rows("glue-qnli", "test").get(0).get(3));

        write("glue/QQP/train.tsv", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate",
                "133273\t213221\t213222\tHow is the life of a math student?\tWhich level of prepration is enough?\t0",
                "402555\t536040\t536041\tHow do I control my horny emotions?\tHow do you control your horniness?\t1");
        write("glue/QQP/test.tsv", "id\tquestion1\tquestion2", "0\tWhy do rockets look white?\tWhy are rockets white?");
        List<Row> qqp = rows("glue-qqp", "train");
        assertEquals("How do you control your horniness?", qqp.get(1).getString(2));
        assertEquals(1, qqp.get(1).getInt(4));
        assertEquals("Why are rockets white?", rows("glue-qqp", "test").get(0).getString(2));

        write("glue/WNLI/dev.tsv", "index\tsentence1\tsentence2\tlabel",
                "0\tThe drain is clogged with hair. It has to be cleaned.\tThe hair has to be cleaned.\t0");
        Row wnli = rows("glue-wnli", "dev").get(0);
        assertEquals("The hair has to be cleaned.", wnli.getString(2));
        assertEquals(0, wnli.getInt(4));

        write("glue/MRPC/train.tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String",
                "1\t702876\t702977\tAmrozi accused his brother.\tReferring to him as only \" the witness \" , Amrozi accused his brother .");
        write("glue/MRPC/test.tsv", "index\t#1 ID\t#2 ID\t#1 String\t#2 String",
                "0\t1089874\t1089925\tPCCW 's chief.\tCurrent Chief.");
        Row mrpc = rows("glue-mrpc", "train").get(0);
        assertEquals("Amrozi accused his brother.", mrpc.getString(1));
        assertEquals("Referring to him as only \" the witness \" , Amrozi accused his brother .", mrpc.getString(2));
        assertEquals("1", mrpc.getString(3));
        assertEquals(1, mrpc.getInt(4));
        assertEquals("Current Chief.", rows("glue-mrpc", "test").get(0).getString(2));
    }
}
