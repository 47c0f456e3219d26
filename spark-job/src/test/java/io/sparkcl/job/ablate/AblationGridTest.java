package io.sparkcl.job.ablate;

import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ConfigKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AblationGridTest {

    @Test
    void cellsAreEveryCombinationWithTheFirstKeySlowest() {
        AblationGrid g = AblationGrid.parse("fixed:\n  dataset: trec\n  epochs: 2\n"
                + "grid:\n  method: [ce, scl]\n  seed: [3, 1, 2]\n", "g.yaml");
        List<Map<ConfigKey, Object>> cells = g.combinations();
        assertEquals(6, cells.size());
        assertEquals("method=ce__seed=3", AblationCell.idOf(cells.get(0)));
        assertEquals("method=ce__seed=1", AblationCell.idOf(cells.get(1)));
        assertEquals("method=scl__seed=2", AblationCell.idOf(cells.get(5)));
        assertEquals("trec", g.fixed().<String>get(ConfigKey.DATASET, null));
        assertEquals(AblationGrid.DEFAULT_PROJECTION_ROWS, g.projectionRows());
        assertEquals("model=a_b_c", AblationCell.idOf(Map.of(ConfigKey.MODEL, "a/b c")));
    }

    @Test
    void theExampleGridsOfTheRepositoryAreValid() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("sparkcl.repo.root", ".."), "grids");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            List<java.nio.file.Path> grids = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertTrue(grids.size() >= 2, "example grids in " + dir);
            for (java.nio.file.Path f : grids) {
                AblationGrid g = AblationGrid.read(f.toString(), new org.apache.hadoop.conf.Configuration());
                // building the ablation validates every cell's configuration
                Ablation a = new Ablation(g, dir.resolve("unused-output").toString(), new org.apache.hadoop.conf.Configuration());
                assertTrue(a.cells().size() >= 2, f + " is a grid, not one run: " + a.cells().size() + " cells");
            }
        }
    }

    @Test
    void badGridFilesNameTheProblem() {
        assertMessage("fixed:\n  learning-rate: 1\n", "'learning-rate' under fixed is not a train option");
        assertMessage("grid:\n  output: [a, b]\n", "'output' is set by sparkcl ablate");
        assertMessage("fixed:\n  seed: [1, 2]\n", "fixed 'seed' is a list; put it under grid:");
        assertMessage("fixed:\n  seed: 1\ngrid:\n  seed: [1, 2]\n", "'seed' is both fixed and in the grid");
        assertMessage("grid:\n  global-batch: [16, many]\n", "global-batch");
        assertMessage("grid:\n  seed: [1, 1]\n", "repeats a value");
        assertMessage("grids:\n  seed: [1]\n", "unknown section 'grids'");
        assertMessage("projection-rows: -1\n", "projection-rows must be a whole number");
    }

    private static void assertMessage(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> AblationGrid.parse(yaml, "g.yaml"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("g.yaml"), e.getMessage());
    }

    @Test
    void seedStatsGiveSampleStdAndTInterval() {
        SeedStats s = SeedStats.of(List.of(0.80, 0.82, 0.84));
        assertEquals(0.82, s.mean(), 1e-12);
        assertEquals(0.02, s.std(), 1e-12);
        assertEquals(4.303 * 0.02 / Math.sqrt(3), s.halfWidth95(), 1e-12);
        assertEquals("82.00 ± 2.00", s.percent());
        assertEquals("91.19", SeedStats.of(List.of(0.9119)).percent());
        assertEquals(0, SeedStats.of(List.of()).n());
    }
}
