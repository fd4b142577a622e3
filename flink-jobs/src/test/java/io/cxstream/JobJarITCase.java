package io.cxstream;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded job jar (built in {@code package}, before this integration test) holds the job and its
 * libraries, and neither the synthetic generator nor the embedded broker: those serve ./cx demo and the tests.
 */
class JobJarITCase {

    @Test
    void theJobJarHasTheJobButNotTheGeneratorOrTheBroker() throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith("-job.jar"))
                    .toList();
            assertThat(jars).as("the shaded job jar in target/").hasSize(1);
            jar = jars.get(0);
        }
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            List<String> names = jarFile.stream().map(e -> e.getName()).toList();

            assertThat(names)
                    .contains(
                            "io/cxstream/CxJob.class",
                            "io/cxstream/rules/RuleEngine.class",
                            "io/cxstream/avro/OutreachEvent.class");
            assertThat(names).noneMatch(n -> n.startsWith("io/cxstream/generator/"));
            assertThat(names).noneMatch(n -> n.startsWith("io/cxstream/kafka/"));
        }
    }
}
