package io.sparkcl.job.config;

import java.util.List;

/** {@link DatasetCatalog} over {@code io.sparkcl.datasets.registry.DatasetRegistry}. */
final class RegistryCatalog implements DatasetCatalog {
    static final RegistryCatalog INSTANCE = new RegistryCatalog();

    private RegistryCatalog() {
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> names() {
        // Reflective until the datasets module's registry is installed; see the CLI helper's report.
        try {
            return (List<String>) Class.forName("io.sparkcl.datasets.registry.DatasetRegistry")
                    .getMethod("names").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the dataset registry (io.sparkcl.datasets.registry.DatasetRegistry) "
                    + "is not on the classpath", e);
        }
    }
}
