package io.sparkcl.job.ml;

import io.sparkcl.job.config.ConfigKey;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The params of a SparkCL pipeline stage: its {@link ConfigKey} options and the output columns. */
final class StageParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final ConfigParams options;
    final OutputColumns outputs;
    private final Param<?>[] all;

    StageParams(Params owner, Collection<ConfigKey> keys) {
        options = new ConfigParams(owner, keys);
        outputs = new OutputColumns(owner);
        outputs.setDefaults(owner);
        List<Param<?>> p = new ArrayList<>(options.all());
        p.addAll(outputs.all());
        all = p.toArray(new Param<?>[0]);
    }

    /** What {@code Params.params()} returns (Spark finds params by reflection otherwise, which misses these). */
    Param<?>[] all() {
        return all.clone();
    }
}
