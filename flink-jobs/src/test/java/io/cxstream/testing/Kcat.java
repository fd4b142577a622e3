package io.cxstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kcat (librdkafka), the non-Java Kafka client the README's examples use, run as a process. Tests
 * that need it call {@link #require()}: skipped with a message where kcat is not installed, failed
 * under CI=true (.ci/run installs it).
 */
public final class Kcat {
    private final String bootstrapServers;

    public Kcat(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public static void require() {
        boolean present = ExternalTool.find("kcat").isPresent();
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("kcat is not installed, and CI=true: .ci/run must install the Debian package kcat");
        }
        assumeTrue(present, "kcat is not on PATH (apt-get install kcat)");
    }

    /** Produces lines (values, no key) to a topic. */
    public void produce(String topic, String... lines) throws IOException, InterruptedException {
        run(List.of("-P", "-t", topic), String.join("\n", lines) + "\n");
    }

    /** Produces lines {@code key|value} to a topic, as the README's one-liners do. */
    public void produceKeyed(String topic, String... lines) throws IOException, InterruptedException {
        run(List.of("-P", "-t", topic, "-K", "|"), String.join("\n", lines) + "\n");
    }

    /** Everything on a topic so far, one record per line. */
    public String consumeAll(String topic) throws IOException, InterruptedException {
        return run(List.of("-C", "-t", topic, "-o", "beginning", "-e", "-q"), "");
    }

    /** Everything on a topic so far, formatted by kcat's {@code -f} (e.g. {@code '%k %h\\n'}: key and headers). */
    public String consumeAll(String topic, String format) throws IOException, InterruptedException {
        return run(List.of("-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", format), "");
    }

    private String run(List<String> args, String stdin) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of(ExternalTool.find("kcat").orElseThrow().toString(), "-b", bootstrapServers));
        command.addAll(args);
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kcat did not finish: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("kcat failed (" + p.exitValue() + "): "
                    + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
