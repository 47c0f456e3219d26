package io.sparkcl.job.config;

import io.sparkcl.datasets.registry.DatasetRegistry;

import java.util.List;

/** {@link DatasetCatalog} over the datasets module's {@link DatasetRegistry}. */
final class RegistryCatalog implements DatasetCatalog {
    static final RegistryCatalog INSTANCE = new RegistryCatalog();

    private RegistryCatalog() {
    }

    @Override
    public List<String> names() {
        return DatasetRegistry.names();
    }
}
