package io.sparkcl.job.config;

import java.util.List;

/** The registry dataset names a config may refer to (the datasets module's registry, or a fixed list in tests). */
public interface DatasetCatalog {

    List<String> names();

    default boolean contains(String name) {
        return name != null && names().contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    static DatasetCatalog of(List<String> names) {
        List<String> copy = List.copyOf(names);
        return () -> copy;
    }

    /** The datasets module's registry. */
    static DatasetCatalog registry() {
        return RegistryCatalog.INSTANCE;
    }
}
