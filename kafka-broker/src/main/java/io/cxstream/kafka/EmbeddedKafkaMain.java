package io.cxstream.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a standalone {@link EmbeddedKafkaBroker} until the process is stopped.
 *
 * <pre>
 * EmbeddedKafkaMain [--port 9092] [--controller-port 0] [--topics a,b,c] [--partitions 1]
 *                   [--log-dir DIR] [--exit-on-stdin-eof]
 * </pre>
 *
 * Prints one line {@code Kafka broker ready at 127.0.0.1:<port>} to standard output once the broker
 * answers and the topics exist; logs go to standard error. Stops cleanly on SIGINT/SIGTERM, and with
 * {@code --exit-on-stdin-eof} also when standard input reaches end-of-file, so that a parent process
 * holding the pipe takes the broker down with it.
 *
 * <p>Unless {@code log4j2.configurationFile} is set, logging uses {@value #DEFAULT_LOG4J2_CONFIG}
 * from this module, which keeps Kafka's loggers at WARN.
 */
public final class EmbeddedKafkaMain {

    /** Classpath resource with the default Log4j2 configuration of the standalone broker. */
    public static final String DEFAULT_LOG4J2_CONFIG = "cx-kafka-broker-log4j2.properties";

    private static final String USAGE = "Usage: EmbeddedKafkaMain [--port 9092] [--controller-port 0] "
            + "[--topics a,b,c] [--partitions 1] [--log-dir DIR] [--exit-on-stdin-eof]";

    private EmbeddedKafkaMain() {}

    public static void main(String[] args) throws InterruptedException {
        // Before any logger exists: the broker's INFO output would drown the one line that matters.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:" + DEFAULT_LOG4J2_CONFIG);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        EmbeddedKafkaBrokerBuilder builder =
                EmbeddedKafkaBroker.builder().port(options.port).controllerPort(options.controllerPort);
        if (options.logDir != null) {
            builder.logDir(Path.of(options.logDir));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            EmbeddedKafkaBroker broker = builder.start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                broker.close();
                                stopped.countDown();
                            },
                            "kafka-broker-shutdown"));
            if (!options.topics.isEmpty()) {
                broker.createTopics(options.partitions, options.topics.toArray(String[]::new));
            }
            System.out.println("Kafka broker ready at " + broker.bootstrapServers());
            System.out.flush();
        } catch (RuntimeException e) {
            System.err.println("Kafka broker failed to start: " + e);
            e.printStackTrace();
            System.exit(1); // the broker's non-daemon threads would keep the JVM alive
        }

        if (options.exitOnStdinEof) {
            drain(System.in);
            System.exit(0); // runs the shutdown hook
        }
        stopped.await();
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[1024];
        try {
            while (in.read(buffer) >= 0) {
                // discard: only end-of-file matters
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone, just like end-of-file
        }
    }

    /** The parsed command line. */
    static final class Options {
        int port = 9092;
        int controllerPort;
        int partitions = 1;
        List<String> topics = List.of();
        String logDir;
        boolean exitOnStdinEof;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--port" -> options.port = intValue(arg, value(args, ++i, arg));
                    case "--controller-port" -> options.controllerPort = intValue(arg, value(args, ++i, arg));
                    case "--partitions" -> options.partitions = intValue(arg, value(args, ++i, arg));
                    case "--topics" ->
                        options.topics = Arrays.stream(value(args, ++i, arg).split(","))
                                .map(String::trim)
                                .filter(topic -> !topic.isEmpty())
                                .toList();
                    case "--log-dir" -> options.logDir = value(args, ++i, arg);
                    case "--exit-on-stdin-eof" -> options.exitOnStdinEof = true;
                    default -> throw new IllegalArgumentException("Unknown argument: " + arg);
                }
            }
            if (options.partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1");
            }
            return options;
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }

        private static int intValue(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, got: " + value);
            }
        }
    }
}
