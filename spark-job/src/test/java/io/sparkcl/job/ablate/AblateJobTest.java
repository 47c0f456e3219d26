package io.sparkcl.job.ablate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.job.train.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sparkcl ablate} end to end with the tiny random encoder on real data (dualcl/CR, few-shot): a grid of
 * 3 methods × 2 global batches × 2 seeds is stopped after 5 cells, resumed without training those again, and
 * writes its tables, per-cell JSON and plots.
 */
class AblateJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);
    @TempDir
    static Path tmp;

    static String grid(double lr) {
        return "fixed:\n"
                + "  dataset: cr\n"
                + "  data-dir: " + TestData.dataDir() + "\n"
                + "  model: tiny-random\n"
                + "  few-shot: 4\n"
                + "  steps: 2\n"
                + "  eval-every: 1\n"
                + "  micro-batch: 4\n"
                + "  max-length: 32\n"
                + "  lr: " + lr + "\n"
                + "  warmup: 0\n"
                + "  dev-max-rows: 24\n"
                + "  checkpoint-every: 0\n"
                + "  partitions: 2\n"
                + "grid:\n"
                + "  seed: [1, 2]\n"
                + "  global-batch: [4, 8]\n"
                + "  method: [ce, scl, dualcl]\n"
                + "projection-rows: 40\n";
    }

    /** Stops the ablation when asked to train cell number {@code stopAt} (1-based), as an interruption would. */
    private static final class StoppingTrainer implements CellTrainer {
        final List<String> trained = new ArrayList<>();
        final int stopAt;

        StoppingTrainer(int stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public void train(TrainConfig config) {
            if (trained.size() + 1 == stopAt) {
                throw new IllegalStateException("stopped by the test");
            }
            AblateJob.trainOn(SPARK.session()).train(config);
            trained.add(Path.of(java.net.URI.create(config.run().output())).getFileName().toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void interruptedAblationResumesWithoutRetrainingAndWritesTablesAndPlots(SparkSession spark) throws Exception {
        Path folder = tmp.resolve("ablation");
        Configuration conf = new Configuration();
        AblationGrid grid = AblationGrid.parse(grid(1e-3), "grid.yaml");
        Ablation first = new Ablation(grid, folder.toUri().toString(), conf);
        assertEquals(12, first.cells().size());

        StoppingTrainer stopping = new StoppingTrainer(6);
        assertThrows(IllegalStateException.class, () -> AblateJob.run(first, spark, stopping));
        assertEquals(5, stopping.trained.size());
        assertTrue(Files.readString(folder.resolve("results/results.md")).contains("5 of 12 cells finished"));
        // a plot that the next pass no longer draws (e.g. from an earlier grid) is removed once the new ones exist
        Path stalePlot = folder.resolve("results/plots/learning-curves-9-old_setting.png");
        Files.writeString(stalePlot, "stale");

        // A new invocation (new Ablation object, same folder) trains only the 7 other cells.
        Ablation second = new Ablation(AblationGrid.parse(grid(1e-3), "grid.yaml"), folder.toUri().toString(), conf);
        ByteArrayOutputStream dry = new ByteArrayOutputStream();
        AblateJob.dryRun(second, new PrintStream(dry, true, StandardCharsets.UTF_8));
        String listing = dry.toString(StandardCharsets.UTF_8);
        assertTrue(listing.contains("7 cells to train"), listing);
        assertEquals(5, listing.lines().filter(l -> l.contains(" finished ")).count(), listing);
        StoppingTrainer resumed = new StoppingTrainer(-1);
        AblateJob.run(second, spark, resumed);
        assertEquals(7, resumed.trained.size());
        for (String id : stopping.trained) {
            assertFalse(resumed.trained.contains(id), id + " was trained again");
        }

        // A finished cell's run folder: dev carved from training, the dev-selected model's test numbers, its plot.
        Path cell = folder.resolve("cells/seed=1__global-batch=4__method=scl");
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> summary = json.readValue(cell.resolve("summary.json").toFile(), Map.class);
        Map<String, Object> data = (Map<String, Object>) summary.get("data");
        assertEquals("carved from the training split", data.get("dev_source"));
        assertEquals(24, ((Number) data.get("dev_rows")).intValue());
        Map<String, Object> selection = (Map<String, Object>) summary.get("model_selection");
        assertNotNull(((Map<String, Object>) selection.get("test")).get("accuracy"));
        assertPng(cell.resolve("curves.png"), 1200, 420);

        // The results folder.
        Path results = folder.resolve("results");
        List<String> csv = Files.readAllLines(results.resolve("results.csv"));
        assertEquals(1 + 6, csv.size(), "3 methods × 2 batch settings: " + csv);
        assertTrue(csv.stream().skip(1).allMatch(l -> l.split(",")[2].equals("2")), "2 seeds per line: " + csv);
        List<String> paired = Files.readAllLines(results.resolve("paired.csv"));
        assertEquals(1 + 2 * 3, paired.size(), "3 method pairs in each of 2 settings: " + paired);
        String md = Files.readString(results.resolve("results.md"));
        assertTrue(md.contains("12 of 12 cells finished") && md.contains("| CE+SCL |") && md.contains(" ± "), md);
        try (Stream<Path> s = Files.list(results.resolve("cells"))) {
            assertEquals(12, s.filter(f -> f.toString().endsWith(".json")).count());
        }
        try (Stream<Path> s = Files.walk(results)) {
            assertEquals(List.of(), s.filter(f -> f.toString().endsWith(".crc")).toList(), "no checksum side files");
        }
        Map<String, Object> cellJson = json.readValue(results.resolve("cells/seed=2__global-batch=8__method=dualcl.json")
                .toFile(), Map.class);
        // the table says how its models were chosen, as the cells' runs did it
        String rule = (String) ((Map<?, ?>) cellJson.get("selected_model")).get("rule");
        assertTrue(md.contains("chosen by: " + rule + ";"), rule + "\n" + md);
        assertEquals(Map.of("seed", 2, "global-batch", 8, "method", "dualcl"), cellJson.get("grid_values"));
        assertEquals("cells/seed=2__global-batch=8__method=dualcl", ((Map<?, ?>) cellJson.get("config")).get("output"),
                "run folder relative to the ablation folder");
        assertPng(results.resolve("plots/accuracy-vs-batch.png"), 600, 420);
        assertFalse(Files.exists(stalePlot), "stale plot kept");
        assertPng(results.resolve("plots/learning-curves-1-global-batch_4.png"), 1800, 420);
        // the PCA figure: before (top row) and after (bottom row) for ce, scl and dualcl (the first seed)
        assertPng(results.resolve("plots/projection-2-global-batch_8.png"), 1800, 840);
        try (Stream<Path> s = Files.list(results.resolve("projections"))) {
            assertEquals(6, s.count(), "3 methods × 2 batch settings, first seed only");
        }

        // The grid changed under finished cells: an error naming the cell, nothing overwritten.
        Ablation changed = new Ablation(AblationGrid.parse(grid(2e-3), "grid.yaml"), folder.toUri().toString(), conf);
        ConfigException e = assertThrows(ConfigException.class, () -> changed.state(changed.cells().get(0)));
        assertTrue(e.getMessage().contains("seed=1__global-batch=4__method=ce"), e.getMessage());
    }

    private static void assertPng(Path file, int width, int height) throws Exception {
        assertTrue(Files.exists(file), file + " missing");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is not a PNG");
        assertEquals(width, image.getWidth(), file.toString());
        assertEquals(height, image.getHeight(), file.toString());
        // not blank: more than the background colour
        int first = image.getRGB(0, 0);
        boolean drawn = false;
        for (int y = 0; y < height && !drawn; y += 3) {
            for (int x = 0; x < width && !drawn; x += 3) {
                drawn = image.getRGB(x, y) != first;
            }
        }
        assertTrue(drawn, file + " is blank");
    }
}
