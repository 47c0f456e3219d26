package io.sparkcl.job.config;

import java.io.Serializable;


import static io.sparkcl.job.config.ConfigKey.*;

/**
 * Where a run goes and where it runs.
 *
 * @param output the run folder (Hadoop path)
 * @param resume continue the run in {@code output} from its last checkpoint
 * @param master Spark master; null = the launcher's / spark-submit's, else {@code local[*]}
 * @param saveTotalLimit resumable checkpoints the run folder keeps (the newest first; older ones are the
 *                       fallback when the newest is damaged)
 */
public record RunConfig(String output, boolean resume, String master, int saveTotalLimit) implements Serializable {

    static RunConfig from(ConfigValues r) {
        return new RunConfig(r.get(OUTPUT), r.get(RESUME), r.get(MASTER), r.get(SAVE_TOTAL_LIMIT));
    }
}
