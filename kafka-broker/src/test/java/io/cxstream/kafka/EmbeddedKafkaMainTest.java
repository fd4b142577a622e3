package io.cxstream.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaMainTest {

    @Test
    void parsesArguments() {
        EmbeddedKafkaMain.Options options = EmbeddedKafkaMain.Options.parse(
                new String[] {"--port", "19092", "--topics", "a, b,,c", "--partitions", "3", "--exit-on-stdin-eof"});

        assertThat(options.port).isEqualTo(19092);
        assertThat(options.topics).containsExactly("a", "b", "c");
        assertThat(options.partitions).isEqualTo(3);
        assertThat(options.exitOnStdinEof).isTrue();
        assertThat(EmbeddedKafkaMain.Options.parse(new String[0]).port).isEqualTo(9092);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> EmbeddedKafkaMain.Options.parse(new String[] {"--port"}))
                .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> EmbeddedKafkaMain.Options.parse(new String[] {"--partitions", "x"}))
                .hasMessageContaining("--partitions needs a number");
        assertThatThrownBy(() -> EmbeddedKafkaMain.Options.parse(new String[] {"--bogus"}))
                .hasMessageContaining("--bogus");
    }

    /** The way the demo runs it: a child JVM that announces readiness and dies with its parent's pipe. */
    @Test
    void childProcessAnnouncesReadinessAndExitsWhenStdinCloses(@TempDir Path tempDir) throws Exception {
        Path stderr = tempDir.resolve("stderr.log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedKafkaMain.class.getName(),
                        "--port",
                        "0",
                        "--topics",
                        "events,alerts",
                        "--partitions",
                        "2",
                        "--exit-on-stdin-eof")
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader stdout =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(60, TimeUnit.SECONDS);
            assertThat(ready)
                    .as(() -> "ready line; stderr:\n" + readQuietly(stderr))
                    .matches("Kafka broker ready at 127\\.0\\.0\\.1:\\d+");

            Properties admin = new Properties();
            admin.setProperty("bootstrap.servers", ready.substring(ready.lastIndexOf(' ') + 1));
            try (Admin client = Admin.create(admin)) {
                Map<String, TopicDescription> topics = client.describeTopics(List.of("events", "alerts"))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                assertThat(topics.values())
                        .allSatisfy(topic -> assertThat(topic.partitions()).hasSize(2));
            }

            process.getOutputStream().close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("exited after stdin EOF")
                    .isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
