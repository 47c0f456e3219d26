package io.sparkcl.datasets.download;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds GLUE's MRPC {@code train.tsv}, {@code dev.tsv} and {@code test.tsv} from the MSR paraphrase files and
 * GLUE's {@code mrpc_dev_ids.tsv}, the way GLUE's {@code download_glue_data.py} does: training pairs whose
 * (#1 ID, #2 ID) are in the dev list go to dev.tsv, the others to train.tsv (both with the MSR header
 * {@code Quality, #1 ID, #2 ID, #1 String, #2 String}); test.tsv gets an {@code index} column instead of
 * the quality.
 */
final class MrpcBuilder {
    static final String DIR = "glue/MRPC/";
    private static final String HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";

    private MrpcBuilder() {
    }

    /** Reads the raw files under {@code tmp} and writes the three splits there; returns relative path -> SHA-256. */
    static Map<String, String> build(FileSystem fs, Path tmp) throws IOException {
        Set<String> devIds = new HashSet<>();
        try (BufferedReader r = reader(fs, new Path(tmp, DIR + "mrpc_dev_ids.tsv"))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = stripBom(line).strip().split("\t");
                if (f.length == 2) {
                    devIds.add(f[0] + "\t" + f[1]);
                }
            }
        }
        if (devIds.isEmpty()) {
            throw new DownloadException("glue-mrpc: mrpc_dev_ids.tsv lists no pairs");
        }
        int train = 0;
        int dev = 0;
        try (BufferedReader in = reader(fs, new Path(tmp, DIR + "msr_paraphrase_train.txt"));
             Writer trainOut = writer(fs, new Path(tmp, DIR + "train.tsv"));
             Writer devOut = writer(fs, new Path(tmp, DIR + "dev.tsv"))) {
            in.readLine(); // header
            trainOut.write(HEADER + "\n");
            devOut.write(HEADER + "\n");
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String[] f = fields(line, "msr_paraphrase_train.txt", lineNo);
                if (f == null) {
                    continue;
                }
                String row = String.join("\t", f) + "\n";
                if (devIds.contains(f[1] + "\t" + f[2])) {
                    devOut.write(row);
                    dev++;
                } else {
                    trainOut.write(row);
                    train++;
                }
            }
        }
        try (BufferedReader in = reader(fs, new Path(tmp, DIR + "msr_paraphrase_test.txt"));
             Writer testOut = writer(fs, new Path(tmp, DIR + "test.tsv"))) {
            in.readLine();
            testOut.write("index\t#1 ID\t#2 ID\t#1 String\t#2 String\n");
            String line;
            int index = 0;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String[] f = fields(line, "msr_paraphrase_test.txt", lineNo);
                if (f != null) {
                    testOut.write(index++ + "\t" + f[1] + "\t" + f[2] + "\t" + f[3] + "\t" + f[4] + "\n");
                }
            }
        }
        if (dev == 0) {
            throw new DownloadException("glue-mrpc: no training pair matched mrpc_dev_ids.tsv; the files do not fit together");
        }
        return Map.of("train", Integer.toString(train), "dev", Integer.toString(dev));
    }

    private static String[] fields(String line, String file, int lineNo) {
        String s = line.strip();
        if (s.isEmpty()) {
            return null;
        }
        String[] f = s.split("\t", -1);
        if (f.length != 5) {
            throw new DownloadException("glue-mrpc: " + file + " line " + lineNo + " has " + f.length
                    + " tab-separated fields, expected 5 (Quality, #1 ID, #2 ID, #1 String, #2 String)");
        }
        return f;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static BufferedReader reader(FileSystem fs, Path p) throws IOException {
        return new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8));
    }

    private static Writer writer(FileSystem fs, Path p) throws IOException {
        FSDataOutputStream out = fs.create(p, true);
        return new OutputStreamWriter(out, StandardCharsets.UTF_8);
    }
}
