package io.cxstream.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md holds the table {@code ./cx options} prints from the code, as it is today. */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void theConfigurationPageHasTheGeneratedTable() throws IOException {
        String doc = Files.readString(DOC);
        String table = OptionsTable.markdown();

        assertThat(table).contains("| `bootstrap-servers` |");
        assertThat(doc)
                .as("docs/configuration.md is out of date: run ./cx options and replace the table starting "
                        + "'| key | default | meaning |' with its output")
                .contains(table);
    }
}
