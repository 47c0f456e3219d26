package io.sparkcl.job.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Lint of docker/Dockerfile.cpu and docker/Dockerfile.gpu for the rules that matter here (no Docker engine
 * and no hadolint can be installed on the build machines: hadolint is not in Debian, Maven Central or npm).
 * The rules follow hadolint's where one exists (DL3006/DL3007 pinned bases, DL3008-style apt hygiene DL3009/
 * DL3015, DL3020 COPY not ADD, DL3025 exec-form ENTRYPOINT, DL3002 non-root user, DL4006 pipefail), plus this
 * project's: downloads only through the checksum-verifying install-spark.sh, tini started once, the cluster
 * jar (Spark provided) in the image, every COPY source present and not dropped by .dockerignore.
 */
class DockerfilesTest {
    record Instruction(int line, String keyword, String args) {
    }

    static List<Instruction> parse(Path dockerfile) throws IOException {
        List<Instruction> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(dockerfile);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (current == null && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            boolean continued = line.endsWith("\\");
            current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continued) {
                String text = current.toString().trim();
                int space = text.indexOf(' ');
                out.add(new Instruction(start, text.substring(0, space).toUpperCase(), text.substring(space + 1).trim()));
                current = null;
            }
        }
        return out;
    }

    static List<Instruction> of(List<Instruction> all, String keyword) {
        return all.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    @Test
    void cpuImage() throws IOException {
        List<Instruction> df = lint("docker/Dockerfile.cpu");
        assertTrue(of(df, "RUN").stream().noneMatch(i -> i.args().contains("-Pgpu")), "the CPU image has the CPU backend");
    }

    @Test
    void gpuImageHasTheCudaRuntimeNd4jLinksAgainst() throws IOException {
        List<Instruction> df = lint("docker/Dockerfile.gpu");
        List<Instruction> from = of(df, "FROM");
        assertTrue(from.get(from.size() - 1).args().matches("nvidia/cuda:11\\.6\\.\\d+-cudnn8-runtime-\\S+"),
                "runtime base: CUDA 11.6 + cuDNN 8 runtime, got " + from.get(from.size() - 1).args());
        assertTrue(of(df, "RUN").stream().anyMatch(i -> i.args().contains("mvn") && i.args().contains("-Pgpu")),
                "the jar is built with the CUDA backend (-Pgpu)");
        assertTrue(of(df, "RUN").stream().anyMatch(i -> i.args().contains("openjdk-17-jre-headless")), "JDK 17");
    }

    /** The shared rules must hold; returns the parsed instructions for image-specific checks. */
    static List<Instruction> lint(String relative) throws IOException {
        assertEquals(List.of(), problems(Scripts.repoRoot(), relative));
        return parse(Scripts.repoRoot().resolve(relative));
    }

    /** The lint is not vacuous: the faults of the first GPU Dockerfile are each reported. */
    @Test
    void theLintReportsTheOldDockerfilesFaults(@org.junit.jupiter.api.io.TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("docker"));
        Files.writeString(repo.resolve(".dockerignore"), "**/target\n");
        Files.writeString(repo.resolve("docker/entrypoint.sh"), "#!/bin/bash\nexec /usr/bin/tini -s -- \"$@\"\n");
        Files.writeString(repo.resolve("docker/Dockerfile.old"), String.join("\n",
                "FROM nvidia/cuda:latest",
                "RUN apt-get update && apt-get install -y openjdk-17-jre-headless tini",
                "RUN curl -fsSL https://archive.apache.org/dist/spark/spark-3.5.9/spark-3.5.9-bin-hadoop3.tgz \\",
                "    | tar -xz -C /opt",
                "ADD https://example.org/x.jar /opt/x.jar",
                "COPY missing/gpu-discovery.sh /opt/sparkcl/",
                "WORKDIR opt",
                "ENTRYPOINT /usr/bin/tini -- /opt/entrypoint.sh", ""));
        String report = String.join("\n", problems(repo, "docker/Dockerfile.old"));
        for (String expected : List.of("must be pinned", "--no-install-recommends", "apt lists left",
                "downloads go through docker/install-spark.sh", "pipe in RUN", "use COPY", "does not exist",
                "WORKDIR must be absolute", "one exec-form ENTRYPOINT", "starts tini a second time", "non-root USER",
                "a build stage and a runtime stage", "the cluster jar", "install-spark.sh with its checksum")) {
            assertTrue(report.contains(expected), "'" + expected + "' reported in:\n" + report);
        }
    }

    static List<String> problems(Path root, String relative) throws IOException {
        Path file = root.resolve(relative);
        List<Instruction> df = parse(file);
        List<String> problems = new ArrayList<>();
        for (Instruction i : df) {
            String where = relative + ":" + i.line() + " " + i.keyword() + ": ";
            switch (i.keyword()) {
                case "FROM" -> {
                    String image = i.args().split("\\s+")[0];
                    if (!image.contains(":") || image.endsWith(":latest")) {
                        problems.add(where + "base image " + image + " must be pinned to a version tag");
                    }
                }
                case "ADD" -> problems.add(where + "use COPY (ADD fetches URLs and unpacks archives unverified)");
                case "RUN" -> {
                    String run = i.args();
                    if (run.contains("apt-get install") && !run.contains("--no-install-recommends")) {
                        problems.add(where + "apt-get install without --no-install-recommends");
                    }
                    if (run.contains("apt-get install") && !run.contains("apt-get update")) {
                        problems.add(where + "apt-get install in a layer without apt-get update (stale cache)");
                    }
                    if (run.contains("apt-get update") && !run.contains("rm -rf /var/lib/apt/lists/*")) {
                        problems.add(where + "apt lists left in the layer (rm -rf /var/lib/apt/lists/*)");
                    }
                    if (run.matches("(?s)(.*(&&|;|\\|)\\s*)?(curl|wget)\\s.*")) {
                        problems.add(where + "downloads go through docker/install-spark.sh, which checks SHA-512");
                    }
                    if (run.contains("|")) {
                        problems.add(where + "a pipe in RUN hides failures unless SHELL sets -o pipefail");
                    }
                    if (run.contains("tini")) {
                        if (!run.contains("apt-get install")) {
                            problems.add(where + "tini is started by ENTRYPOINT only");
                        }
                    }
                }
                case "WORKDIR" -> {
                    if (!i.args().startsWith("/")) {
                        problems.add(where + "WORKDIR must be absolute");
                    }
                }
                case "COPY" -> checkCopy(root, i, where, problems);
                default -> {
                }
            }
        }
        List<Instruction> entry = of(df, "ENTRYPOINT");
        if (entry.size() != 1 || !entry.get(0).args().equals(
                "[\"/usr/bin/tini\", \"--\", \"/opt/sparkcl/entrypoint.sh\"]")) {
            problems.add(relative + ": one exec-form ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/opt/sparkcl/entrypoint.sh\"]");
        }
        if (Files.readString(root.resolve("docker/entrypoint.sh")).matches("(?s).*\\bexec\\s+\\S*tini\\b.*")) {
            problems.add("docker/entrypoint.sh starts tini a second time");
        }
        List<Instruction> users = of(df, "USER");
        if (users.isEmpty() || users.get(users.size() - 1).args().matches("root|0(:.*)?")) {
            problems.add(relative + ": the image must end with a non-root USER");
        }
        if (of(df, "FROM").size() < 2) {
            problems.add(relative + ": a build stage and a runtime stage (no Maven in the image)");
        }
        if (of(df, "COPY").stream().noneMatch(i -> i.args().matches("--from=build /sparkcl\\.jar /opt/sparkcl/sparkcl\\.jar"))
                || of(df, "RUN").stream().noneMatch(i -> i.args().contains("cp cluster-jar/target/sparkcl-cluster-*.jar /sparkcl.jar"))) {
            problems.add(relative + ": the image's /opt/sparkcl/sparkcl.jar is the cluster jar (Spark provided)");
        }
        if (of(df, "RUN").stream().noneMatch(i -> i.args().contains("install-spark.sh \"$SPARK_VERSION\" /opt/spark \"$SPARK_SHA512\""))
                || of(df, "ARG").stream().noneMatch(i -> i.args().matches("SPARK_VERSION=3\\.5\\.\\d+"))) {
            problems.add(relative + ": Spark 3.5.x installed through install-spark.sh with its checksum");
        }
        return problems;
    }

    /** Each COPY source (not --from) exists in the repository and survives .dockerignore. */
    private static void checkCopy(Path root, Instruction i, String where, List<String> problems) throws IOException {
        if (i.args().startsWith("--from=")) {
            return;
        }
        String[] parts = i.args().split("\\s+");
        DockerIgnore ignore = DockerIgnore.read(root.resolve(".dockerignore"));
        for (int k = 0; k < parts.length - 1; k++) {
            Path src = root.resolve(parts[k]);
            if (!Files.exists(src)) {
                problems.add(where + parts[k] + " does not exist");
            } else if (Files.isRegularFile(src) && ignore.excludes(parts[k])) {
                problems.add(where + parts[k] + " is excluded by .dockerignore");
            } else if (Files.isDirectory(src) && ignore.excludes(parts[k] + "/pom.xml")
                    && !parts[k].equals(".mvn")) {
                problems.add(where + parts[k] + "/pom.xml is excluded by .dockerignore");
            }
        }
    }

    @Test
    void dockerIgnoreKeepsSourcesAndDropsBuildOutputs() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Scripts.repoRoot().resolve(".dockerignore"));
        for (String kept : List.of("pom.xml", ".mvn/maven.config", "spark-job/src/main/java/io/sparkcl/job/SparkClMain.java",
                "cluster-jar/pom.xml", "docker/entrypoint.sh", "deploy/bin/gpu-discovery.sh")) {
            assertFalse(ignore.excludes(kept), kept + " must reach the build context");
        }
        for (String dropped : List.of("spark-job/target/sparkcl-spark-job-0.1.0-SNAPSHOT-all.jar", "runs/x/model.bin",
                ".git/HEAD", "target/local-cluster/work-0/app/sparkcl.jar", "model/target/classes/A.class", "README.md")) {
            assertTrue(ignore.excludes(dropped), dropped + " must stay out of the build context");
        }
    }

    /** .dockerignore rules as Docker applies them: the last matching pattern wins; a match on a folder covers its files. */
    record DockerIgnore(List<String> patterns) {
        static DockerIgnore read(Path file) throws IOException {
            return new DockerIgnore(Files.readAllLines(file).stream().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        }

        boolean excludes(String path) {
            boolean excluded = false;
            for (String p : patterns) {
                boolean negated = p.startsWith("!");
                Pattern regex = glob(negated ? p.substring(1) : p);
                String[] segments = path.split("/");
                StringBuilder prefix = new StringBuilder();
                for (String s : segments) {
                    prefix.append(prefix.length() == 0 ? "" : "/").append(s);
                    Matcher m = regex.matcher(prefix);
                    if (m.matches()) {
                        excluded = !negated;
                        break;
                    }
                }
            }
            return excluded;
        }

        private static Pattern glob(String glob) {
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(i + 2 < glob.length() && glob.charAt(i + 2) == '/' ? "(.*/)?" : ".*");
                    i += i + 2 < glob.length() && glob.charAt(i + 2) == '/' ? 2 : 1;
                } else if (c == '*') {
                    re.append("[^/]*");
                } else if (c == '?') {
                    re.append("[^/]");
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString());
        }
    }
}
