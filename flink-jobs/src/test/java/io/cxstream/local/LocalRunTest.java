package io.cxstream.local;

import io.cxstream.config.InvalidConfigException;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalRunTest {

    /**
     * A run whose broker cannot start fails naming {@code kafka-port} and counts as stopped at once, so the
     * shutdown hook does not hold the JVM's exit (it waited its full 30 s before).
     */
    @Test
    void aBusyKafkaPortFailsNamingTheKeyAndDoesNotHoldTheExit() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            Map<String, String> args = new HashMap<>(Map.of("kafka-port", String.valueOf(busy.getLocalPort())));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            LocalRun run = new LocalRun(
                    LocalSettings.parse("serve", args), new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThatThrownBy(run::run)
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("kafka-port")
                    .hasMessageContaining(String.valueOf(busy.getLocalPort()));
            assertThat(run.stopped())
                    .as("stopped, so the shutdown hook returns at once")
                    .isTrue();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("starting Kafka");
        }
    }
}
