package io.sparkcl.job.ablate;

import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.config.YamlConfig;
import io.sparkcl.job.report.ReportFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ablation folder and its cells:
 * <pre>
 *   grid.yaml               the grid file it was started with
 *   cells/&lt;cell id&gt;/        one run folder per cell (sparkcl train's layout)
 *   results/                tables, per-cell JSON, plots ({@link AblationReport})
 * </pre>
 * A cell is finished when its run folder holds {@code summary.json} written with the same configuration; it
 * is never trained again, so an interrupted ablation resumes where it stopped. A cell with a checkpoint but no
 * summary continues from its checkpoint; one without a checkpoint starts again.
 */
public record Ablation(AblationGrid grid, Path root, Configuration conf, FileSystem fs, List<AblationCell> cells) {
    private static final Logger LOG = LoggerFactory.getLogger(Ablation.class);

    /** Where a cell stands. */
    public enum State { NEW, STARTED, FINISHED }

    /** The ablation of {@code grid} in {@code folder} (a Hadoop path); every cell's configuration is checked. */
    public Ablation(AblationGrid grid, String folder, Configuration conf) {
        this(grid, new Path(folder), conf, fileSystem(folder, conf), cellsOf(grid, new Path(folder)));
    }

    private static FileSystem fileSystem(String folder, Configuration conf) {
        try {
            return new Path(folder).getFileSystem(conf);
        } catch (IOException e) {
            throw new ConfigException("--output", "no file system for '" + folder + "': " + e.getMessage(), e);
        }
    }

    private static List<AblationCell> cellsOf(AblationGrid grid, Path root) {
        List<AblationCell> out = new ArrayList<>();
        for (Map<ConfigKey, Object> varied : grid.combinations()) {
            String id = AblationCell.idOf(varied);
            TrainConfig.Builder b = TrainConfig.builder().apply(grid.fixed());
            varied.forEach(b::set);
            b.set(ConfigKey.OUTPUT, cellFolder(root, id).toString());
            TrainConfig config = b.build();
            try {
                config.validateValues(DatasetCatalog.registry());
            } catch (ConfigException e) {
                throw new ConfigException("--grid", "cell " + id + ": " + e.getMessage(), e);
            }
            out.add(new AblationCell(out.size(), id, varied, config));
        }
        return List.copyOf(out);
    }

    private static Path cellFolder(Path root, String id) {
        return new Path(new Path(root, "cells"), id);
    }

    public Path cellFolder(String id) {
        return cellFolder(root, id);
    }

    /** Where {@code cell} stands; a finished cell written with another configuration is an error. */
    public State state(AblationCell cell) {
        Path folder = cellFolder(cell.id());
        try {
            Path summary = new Path(folder, "summary.json");
            Path checkpoint = new Path(folder, "checkpoints/last");
            boolean finished = fs.exists(summary);
            if (!finished && !fs.exists(checkpoint)) {
                return State.NEW;
            }
            Path written = new Path(folder, "config.yaml");
            if (!fs.exists(written) || !comparable(cell.config()).equals(comparable(TrainConfig.from(
                    YamlConfig.read(written.toString(), ConfigKey.Scope.TRAIN, conf))))) {
                if (!finished) {
                    return State.NEW; // a checkpoint of another configuration: start again
                }
                throw new ConfigException("--grid", "cell " + cell.id() + " in " + folder + " was finished with "
                        + "another configuration than the grid gives now; use another --output, or remove that "
                        + "cell's folder to train it again");
            }
            return finished ? State.FINISHED : State.STARTED;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + folder, e);
        }
    }

    /** The options that make a cell's result (its folder and resume flag do not). */
    private static Map<String, Object> comparable(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>(c.toMap());
        m.remove(ConfigKey.OUTPUT.key());
        m.remove(ConfigKey.RESUME.key());
        m.remove(ConfigKey.MASTER.key());
        return m;
    }

    /**
     * Trains every cell that is not finished, one after another, and writes the results after each cell.
     * A failing cell stops the ablation (after the results of the finished cells are written).
     *
     * @param afterCell called after each finished cell, also one finished earlier (the feature projection, which
     *                  does nothing when it exists already), or null
     */
    public void run(CellTrainer trainer, java.util.function.Consumer<AblationCell> afterCell) {
        cells.forEach(this::state); // a grid changed under finished cells fails before anything is trained
        writeGridFile();
        int done = 0;
        for (AblationCell cell : cells) {
            State state = state(cell);
            if (state == State.FINISHED) {
                LOG.info("cell {}/{} {}: finished earlier, skipped", cell.index() + 1, cells.size(), cell.id());
                if (afterCell != null) {
                    afterCell.accept(cell);
                }
                done++;
                continue;
            }
            LOG.info("cell {}/{} {}: {}", cell.index() + 1, cells.size(), cell.id(),
                    state == State.STARTED ? "continuing from its checkpoint" : "training");
            TrainConfig config = cell.config();
            if (state == State.STARTED) {
                config = config.toBuilder().set(ConfigKey.RESUME, true).build();
            } else {
                delete(cellFolder(cell.id()));
            }
            try {
                config.validate(DatasetCatalog.registry(), conf);
                trainer.train(config);
                if (afterCell != null) {
                    afterCell.accept(cell);
                }
            } finally {
                AblationReport.write(this);
            }
            done++;
        }
        LOG.info("ablation {}: {} of {} cells finished", root, done, cells.size());
    }

    private void writeGridFile() {
        ReportFiles.writeString(new Path(root, "grid.yaml"), grid.text(), conf);
    }

    private void delete(Path folder) {
        try {
            fs.delete(folder, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + folder, e);
        }
    }
}
