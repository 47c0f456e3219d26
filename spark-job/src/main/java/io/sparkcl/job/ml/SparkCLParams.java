package io.sparkcl.job.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

import java.util.List;

/**
 * What {@link SparkCLClassifier} and {@link SparkCLModel} share: options set and read by their command-line name
 * ({@code setOption("global-batch", 64)}) and the output column names.
 *
 * @param <T> the stage itself (setters return it)
 */
public interface SparkCLParams<T extends SparkCLParams<T>> extends Params {

    /** The stage's params (implementation detail of this package). */
    StageParams stageParams();

    /** Sets an option by its command-line name, from a value or its command-line text ("64", "0.1", "a,b"). */
    default T setOption(String name, Object value) {
        stageParams().options.set(this, name, value);
        return self();
    }

    /** An option's value, or null when it is not set (then the command line's default applies). */
    default Object getOption(String name) {
        ConfigParams options = stageParams().options;
        Param<Object> p = options.param(options.keyOf(name).orElseThrow(() ->
                new IllegalArgumentException("unknown option '" + name + "'; options: " + options.names())));
        return isSet(p) ? getOrDefault(p) : null;
    }

    /** The names of the options this stage takes. */
    default List<String> optionNames() {
        return stageParams().options.names();
    }

    default T setPredictionCol(String name) {
        set(stageParams().outputs.predictionCol, name);
        return self();
    }

    default T setProbabilityCol(String name) {
        set(stageParams().outputs.probabilityCol, name);
        return self();
    }

    /** The column of the pooled sentence feature; empty (the default): not added. */
    default T setPooledFeatureCol(String name) {
        set(stageParams().outputs.pooledFeatureCol, name);
        return self();
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }
}
