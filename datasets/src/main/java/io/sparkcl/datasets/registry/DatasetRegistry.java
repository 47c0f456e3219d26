package io.sparkcl.datasets.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named datasets. Label order = label id; it never changes, because checkpoints and reports depend on it.
 *
 * <p>DualCL files follow the label order of the DualCL reference code (hiyouga/Dual-Contrastive-Learning,
 * {@code data_utils.py}): {@code positive, negative} for the sentiment sets, {@code subjective, objective}
 * for SUBJ, and {@code description entity abbreviation human location numeric} for TREC. GLUE tasks keep
 * the published label values; numeric labels ({@code 0}, {@code 1}) keep their numeric order.
 */
public final class DatasetRegistry {

    /** Commit of the DualCL reference repository whose {@code data/} files are pinned here. */
    public static final String DUALCL_COMMIT = "19cb149090f506eff5190bbef126583bad21963b";
    public static final String DUALCL_BASE =
            "https://raw.githubusercontent.com/hiyouga/Dual-Contrastive-Learning/" + DUALCL_COMMIT + "/data/";
    public static final String GLUE_BASE = "https://dl.fbaipublicfiles.com/glue/data/";

    private static final List<String> SENTIMENT = List.of("positive", "negative");
    private static final List<String> BINARY = List.of("0", "1");
    private static final List<String> ENTAILMENT = List.of("entailment", "not_entailment");

    private static final Map<String, DatasetSpec> DATASETS = build();

    private DatasetRegistry() {
    }

    public static List<String> names() {
        return List.copyOf(DATASETS.keySet());
    }

    public static List<DatasetSpec> all() {
        return List.copyOf(DATASETS.values());
    }

    public static boolean contains(String name) {
        return name != null && DATASETS.containsKey(name.toLowerCase(java.util.Locale.ROOT));
    }

    public static DatasetSpec get(String name) {
        DatasetSpec spec = name == null ? null : DATASETS.get(name.toLowerCase(java.util.Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known datasets: "
                    + String.join(", ", DATASETS.keySet()));
        }
        return spec;
    }

    private static Map<String, DatasetSpec> build() {
        Map<String, DatasetSpec> m = new LinkedHashMap<>();
        put(m, dualcl("sst2", "SST2", "Sentence-level SST-2 (DualCL version)", SENTIMENT,
                "a3e18f003ee72744145a084130d88d2747ae3b7eb4b91a33efedaab050c4b4e2",
                "f60dac90d8818faa4ef03081f37d0162f4632809aefe1f4f532872cdb1d12d18"));
        put(m, dualcl("cr", "CR", "Customer reviews (DualCL version)", SENTIMENT,
                "8d5351dce675950208bbba7cd4caa19e4da0baba8ddd51f00b4bbb3abbdd5e96",
                "bc35abb837744b406ed6c7ee37a6aea380ad3e0fbc021b178b1a3d58b3d471e6"));
        put(m, dualcl("trec", "TREC", "TREC question types, 6 coarse classes (DualCL version)",
                List.of("description", "entity", "abbreviation", "human", "location", "numeric"),
                "723dd3fc44120d50b9d3c3b336efcb9b966e3c3fa774df922df78a0719bda4e0",
                "5ae98f229f256be756dbcf821ffb899c0ea0844211b762cbb222a33637665f59"));
        put(m, dualcl("subj", "SUBJ", "Subjectivity (DualCL version)", List.of("subjective", "objective"),
                "5f7af8e6997b941d9f33232538dafb780aadc52923ab850d22806ee580e36720",
                "a8b2648ca5f0bb1d5373aea042fe2d0d5cdafcaafd3ad20bd6c975864d3c6850"));
        put(m, dualcl("pc", "procon", "Pros and cons (DualCL version)", SENTIMENT,
                "f50115197a20bb716835114265fce36a1e873b757dea03f6bf8f9041ac6192fe",
                "70589a877dbbe46a659f54531621b6ab06f00ba46c9c45bec39a9212f25af8ad"));
        put(m, mr());
        put(m, glueSst2());
        put(m, glueCola());
        put(m, gluePair("glue-rte", "RTE", "RTE.zip", "GLUE RTE (textual entailment)", ENTAILMENT,
                List.of("entailment", "not entailment"), "index", "sentence1", "sentence2", "label",
                "41e3a9b063433392343fad9e962cf2f58b681c78d8f71592f4186f0837246c5c",
                "80230dfa1347282e7b532b06a1004a76a710087541189bf874223ddf0e3819fb",
                "6e33f09b5c2bfd5fd5fde217070f3dd49e484e33b9752b5864cf36fc421a213f"));
        put(m, glueMrpc());
        put(m, gluePair("glue-qnli", "QNLI", "QNLIv2.zip", "GLUE QNLI (question-answer entailment)", ENTAILMENT,
                List.of("entailment", "not entailment"), "index", "question", "sentence", "label", null, null, null));
        put(m, glueMnli());
        put(m, gluePair("glue-qqp", "QQP", "QQP-clean.zip", "GLUE QQP (duplicate questions)", BINARY,
                List.of("not duplicate", "duplicate"), "id", "question1", "question2", "is_duplicate", null, null, null));
        put(m, gluePair("glue-wnli", "WNLI", "WNLI.zip", "GLUE WNLI (Winograd entailment)", BINARY,
                List.of("not entailment", "entailment"), "index", "sentence1", "sentence2", "label", null, null, null));
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<String, DatasetSpec> m, DatasetSpec spec) {
        m.put(spec.name(), spec);
    }

    private static SourceSpec dualclSource() {
        return new SourceSpec(SourceFormat.JSON_ARRAY, null, "text", null, "label", null);
    }

    private static DatasetSpec dualcl(String name, String filePrefix, String description, List<String> labels,
                                      String trainSha, String testSha) {
        String train = "dualcl/" + filePrefix + "_Train.json";
        String test = "dualcl/" + filePrefix + "_Test.json";
        return new DatasetSpec(name, description, labels, labels,
                List.of(new SplitSpec("train", train, dualclSource()), new SplitSpec("test", test, dualclSource())),
                List.of(new RemoteFile(DUALCL_BASE + filePrefix + "_Train.json", train, trainSha),
                        new RemoteFile(DUALCL_BASE + filePrefix + "_Test.json", test, testSha)),
                List.of(), null);
    }

    private static DatasetSpec mr() {
        return new DatasetSpec("mr", "Movie reviews, sentence polarity (DualCL JSON format, supplied by the user)",
                SENTIMENT, SENTIMENT,
                List.of(new SplitSpec("train", "dualcl/MR_Train.json", dualclSource()),
                        new SplitSpec("test", "dualcl/MR_Test.json", dualclSource())),
                List.of(), List.of(),
                "MR has no canonical copy in the DualCL format: convert the Pang & Lee sentence polarity data "
                        + "(rt-polarity.pos/.neg, https://www.cs.cornell.edu/people/pabo/movie-review-data/) into "
                        + "JSON arrays of {\"text\",\"label\"} with labels positive/negative and place them at "
                        + "<data root>/dualcl/MR_Train.json and <data root>/dualcl/MR_Test.json");
    }

    private static DatasetSpec glueSst2() {
        String dir = "glue/SST-2/";
        SourceSpec labelled = new SourceSpec(SourceFormat.TSV, null, "sentence", null, "label", null);
        SourceSpec test = new SourceSpec(SourceFormat.TSV, null, "sentence", null, null, null);
        return new DatasetSpec("glue-sst2", "GLUE SST-2 (binary sentiment; 0 = negative, 1 = positive)", BINARY,
                List.of("negative", "positive"),
                List.of(new SplitSpec("train", dir + "train.tsv", labelled),
                        new SplitSpec("dev", dir + "dev.tsv", labelled),
                        new SplitSpec("test", dir + "test.tsv", test)),
                List.of(),
                List.of(new RemoteArchive(GLUE_BASE + "SST-2.zip", "glue/SST-2.zip", List.of(
                        new RemoteArchive.Member("train.tsv", dir + "train.tsv",
                                "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1"),
                        new RemoteArchive.Member("dev.tsv", dir + "dev.tsv",
                                "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0"),
                        new RemoteArchive.Member("test.tsv", dir + "test.tsv",
                                "69a938605609b3e6663b4487918fe1565eb293734e6e520d0366d1d412fd2a13")))),
                null);
    }

    private static DatasetSpec glueCola() {
        String dir = "glue/CoLA/";
        // train/dev have no header: source, label, original label (a star or empty), sentence.
        SourceSpec labelled = new SourceSpec(SourceFormat.TSV,
                List.of("source", "label", "original_label", "sentence"), "sentence", null, "label", null);
        SourceSpec test = new SourceSpec(SourceFormat.TSV, null, "sentence", null, null, null);
        return new DatasetSpec("glue-cola", "GLUE CoLA (acceptability; 0 = unacceptable, 1 = acceptable)", BINARY,
                List.of("unacceptable", "acceptable"),
                List.of(new SplitSpec("train", dir + "train.tsv", labelled),
                        new SplitSpec("dev", dir + "dev.tsv", labelled),
                        new SplitSpec("test", dir + "test.tsv", test)),
                List.of(),
                List.of(new RemoteArchive(GLUE_BASE + "CoLA.zip", "glue/CoLA.zip", List.of(
                        new RemoteArchive.Member("train.tsv", dir + "train.tsv",
                                "5d5b12531cf75ffe24afa0b14019da6dad82fa7b5639eab3f5716e86402ab592"),
                        new RemoteArchive.Member("dev.tsv", dir + "dev.tsv",
                                "8c013e21dc39957cac37378d87bebe225b694a0d5fe13eded66c2856628833fd"),
                        new RemoteArchive.Member("test.tsv", dir + "test.tsv",
                                "3b4df85f7a9a0633574b38d181e18090ac961a24b18fb6bcd74999ddea8ad0b8")))),
                null);
    }

    /** A sentence-pair GLUE task with header lines and train/dev/test files. */
    private static DatasetSpec gluePair(String name, String folder, String zip, String description,
                                        List<String> labels, List<String> labelNames, String idColumn, String first, String second,
                                        String labelColumn, String trainSha, String devSha, String testSha) {
        String dir = "glue/" + folder + "/";
        SourceSpec labelled = new SourceSpec(SourceFormat.TSV, null, first, second, labelColumn, null);
        SourceSpec test = new SourceSpec(SourceFormat.TSV, null, first, second, null, null);
        return new DatasetSpec(name, description, labels, labelNames,
                List.of(new SplitSpec("train", dir + "train.tsv", labelled),
                        new SplitSpec("dev", dir + "dev.tsv", labelled),
                        new SplitSpec("test", dir + "test.tsv", test)),
                List.of(),
                List.of(new RemoteArchive(GLUE_BASE + zip, "glue/" + zip, List.of(
                        new RemoteArchive.Member("train.tsv", dir + "train.tsv", trainSha),
                        new RemoteArchive.Member("dev.tsv", dir + "dev.tsv", devSha),
                        new RemoteArchive.Member("test.tsv", dir + "test.tsv", testSha)))),
                null);
    }

    /** Where GLUE's own download script takes MRPC from (GLUE does not host it). */
    public static final String SENTEVAL_BASE = "https://dl.fbaipublicfiles.com/senteval/senteval_data/";

    private static DatasetSpec glueMrpc() {
        String dir = "glue/MRPC/";
        SourceSpec labelled = new SourceSpec(SourceFormat.TSV, null, "#1 String", "#2 String", "Quality", null);
        SourceSpec test = new SourceSpec(SourceFormat.TSV, null, "#1 String", "#2 String", null, null);
        // Downloaded as GLUE's download_glue_data.py does: the MSR paraphrase files and GLUE's list of dev
        // pairs; train.tsv/dev.tsv/test.tsv are then built from them (see MrpcBuilder).
        return new DatasetSpec("glue-mrpc", "GLUE MRPC (paraphrase; 0 = not equivalent, 1 = equivalent)", BINARY,
                List.of("not equivalent", "equivalent"),
                List.of(new SplitSpec("train", dir + "train.tsv", labelled),
                        new SplitSpec("dev", dir + "dev.tsv", labelled),
                        new SplitSpec("test", dir + "test.tsv", test)),
                List.of(new RemoteFile(SENTEVAL_BASE + "msr_paraphrase_train.txt", dir + "msr_paraphrase_train.txt", null),
                        new RemoteFile(SENTEVAL_BASE + "msr_paraphrase_test.txt", dir + "msr_paraphrase_test.txt", null),
                        new RemoteFile(GLUE_BASE + "mrpc_dev_ids.tsv", dir + "mrpc_dev_ids.tsv", null)),
                List.of(), null);
    }

    private static DatasetSpec glueMnli() {
        String dir = "glue/MNLI/";
        SourceSpec labelled = new SourceSpec(SourceFormat.TSV, null, "sentence1", "sentence2", "gold_label", null);
        SourceSpec test = new SourceSpec(SourceFormat.TSV, null, "sentence1", "sentence2", null, null);
        List<SplitSpec> splits = new ArrayList<>();
        splits.add(new SplitSpec("train", dir + "train.tsv", labelled));
        splits.add(new SplitSpec("dev_matched", dir + "dev_matched.tsv", labelled));
        splits.add(new SplitSpec("dev_mismatched", dir + "dev_mismatched.tsv", labelled));
        splits.add(new SplitSpec("test_matched", dir + "test_matched.tsv", test));
        splits.add(new SplitSpec("test_mismatched", dir + "test_mismatched.tsv", test));
        List<RemoteArchive.Member> members = splits.stream()
                .map(s -> new RemoteArchive.Member(s.relativePath().substring(dir.length()), s.relativePath(), null))
                .toList();
        return new DatasetSpec("glue-mnli", "GLUE MNLI (3-way entailment; matched and mismatched dev/test)",
                List.of("contradiction", "entailment", "neutral"), null, splits, List.of(),
                List.of(new RemoteArchive(GLUE_BASE + "MNLI.zip", "glue/MNLI.zip", members)), null);
    }
}
