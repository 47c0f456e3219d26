package io.sparkcl.job.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every bash script of deploy/ and docker/ parses ({@code bash -n}) and passes shellcheck, as a new user's
 * copy would be checked. shellcheck is a test requirement (see README "Quick start"); without it this test
 * fails with the install line rather than skipping.
 */
class ShellScriptsTest {
    static final String INSTALL = "shellcheck is needed by the tests and is not on the PATH: install it with "
            + "'apt-get install shellcheck' (Debian/Ubuntu), 'dnf install ShellCheck' or 'brew install shellcheck' "
            + "(.ci/run installs it)";

    static List<Path> scripts() throws IOException {
        Path root = Scripts.repoRoot();
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("deploy", "docker", ".ci")) {
            try (Stream<Path> s = Files.walk(root.resolve(dir))) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    if (p.toString().endsWith(".sh") || Files.readString(p).startsWith("#!/usr/bin/env bash")) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void theExamplesAndToolsAreAllChecked() throws IOException {
        List<String> names = scripts().stream().map(p -> Scripts.repoRoot().relativize(p).toString()).toList();
        for (String expected : List.of("deploy/bin/sparkcl", "deploy/bin/local-cluster", "deploy/bin/gpu-discovery.sh",
                "deploy/examples/submit-local.sh", "deploy/examples/submit-standalone.sh",
                "deploy/examples/submit-yarn.sh", "deploy/examples/submit-kubernetes.sh",
                "docker/entrypoint.sh", "docker/install-spark.sh", "deploy/retrain/retrain.sh", ".ci/run")) {
            assertTrue(names.contains(expected), expected + " is among the checked scripts " + names);
        }
    }

    @Test
    void everyScriptParses() throws Exception {
        for (Path script : scripts()) {
            Scripts.Result r = Scripts.run(List.of("bash", "-n", script.toString()), Map.of(), Scripts.repoRoot());
            assertEquals(0, r.code(), "bash -n " + script + ":\n" + r.err());
        }
    }

    /** The check is not vacuous: the apostrophe that broke submit-yarn.sh fails both bash -n and shellcheck. */
    @Test
    void theChecksCatchTheOldYarnExampleBug(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertTrue(Scripts.onPath("shellcheck"), INSTALL);
        Path bad = dir.resolve("bad.sh");
        Files.writeString(bad, "#!/usr/bin/env bash\n: \"${HADOOP_CONF_DIR:?set it to the cluster's configuration}\"\n"
                + "echo 'done'\n");
        assertNotEquals(0, Scripts.run(List.of("bash", "-n", bad.toString()), Map.of(), dir).code());
        assertNotEquals(0, Scripts.run(List.of("shellcheck", bad.toString()), Map.of(), dir).code());
    }

    @Test
    void everyScriptPassesShellcheck() throws Exception {
        assertTrue(Scripts.onPath("shellcheck"), INSTALL);
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--format=gcc"));
        scripts().forEach(p -> cmd.add(p.toString()));
        Scripts.Result r = Scripts.run(cmd, Map.of(), Scripts.repoRoot());
        assertEquals(0, r.code(), "shellcheck findings:\n" + r.out() + r.err());
    }
}
