package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Every option and every subcommand is documented in the root README ("Command line"). */
class ReadmeOptionsTest {

    @Test
    void readmeDocumentsEveryOptionAndCommand() throws IOException {
        Path readme = Path.of(System.getProperty("sparkcl.repo.root", "..")).resolve("README.md");
        String text = Files.readString(readme);
        for (ConfigKey k : ConfigKey.values()) {
            assertTrue(text.contains("`" + k.optionName() + (k.paramLabel() == null ? "`" : " ")),
                    k.optionName() + " is missing from README.md; regenerate the table with OptionsReference");
        }
        for (String cmd : new String[]{"sparkcl train", "sparkcl evaluate", "sparkcl predict", "sparkcl datasets",
                "sparkcl bench", "sparkcl ablate", "--config", "--print-config"}) {
            assertTrue(text.contains(cmd), cmd + " is missing from README.md");
        }
    }

    @Test
    void generatedTableHasOneRowPerOption() {
        String md = OptionsReference.markdown();
        assertEquals(ConfigKey.values().length + 3, md.lines().count(), md);
        assertTrue(md.contains("| `--lambda λ` | train | 0.5 for dualcl, 0.9 for scl |"), md);
    }
}
