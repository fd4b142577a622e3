package io.cxstream.local;

import io.cxstream.config.CxOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.List;

/** Every job setting as a Markdown table: {@code ./cx options}, and docs/configuration.md (checked by {@code ConfigurationDocTest}). */
final class OptionsTable {
    private OptionsTable() {}

    static String markdown() {
        StringBuilder sb = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (ConfigOption<?> o : CxOptions.all()) {
            Object def = o.hasDefaultValue() ? o.defaultValue() : null;
            String shown = def == null
                    ? "(none)"
                    : def instanceof Duration
                            ? TimeUtils.formatWithHighestUnit((Duration) def)
                            : def instanceof List
                                    ? String.join(
                                            ";",
                                            ((List<?>) def)
                                                    .stream()
                                                            .map(String::valueOf)
                                                            .toList())
                                    : def.toString();
            sb.append("| `")
                    .append(o.key())
                    .append("` | ")
                    .append(shown)
                    .append(" | ")
                    .append(CxOptions.describe(o).replace("|", "\\|"))
                    .append(" |\n");
        }
        return sb.toString();
    }
}
