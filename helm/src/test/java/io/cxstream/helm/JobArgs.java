package io.cxstream.helm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code spec.job.args} of a FlinkDeployment, read back as the job reads them: {@code --key value} pairs. */
final class JobArgs {

    private JobArgs() {}

    static List<String> list(Map<String, Object> flinkDeployment) {
        List<String> args = Manifests.at(flinkDeployment, "spec.job.args");
        assertThat(args).as("spec.job.args").isNotNull();
        return args;
    }

    /** The arguments as key -> value, checking they are well-formed pairs with no key twice. */
    static Map<String, String> of(Map<String, Object> flinkDeployment) {
        List<String> args = list(flinkDeployment);
        assertThat(args.size() % 2)
                .as("args come in --key value pairs: %s", args)
                .isZero();
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String key = args.get(i);
            assertThat(key).as("argument %d", i).startsWith("--");
            String previous = pairs.put(key.substring(2), args.get(i + 1));
            assertThat(previous).as("argument %s given twice", key).isNull();
        }
        return pairs;
    }
}
