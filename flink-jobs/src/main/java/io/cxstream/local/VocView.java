package io.cxstream.local;

import io.cxstream.config.InvalidConfigException;
import io.cxstream.config.VocOptions;

import java.io.PrintStream;
import java.util.Map;

/**
 * {@code ./cx voc [--kafka-port 9092] [--every 10]}: the Voice-of-the-Customer view of a running
 * {@code ./cx demo} or {@code ./cx serve}: every trend alert as it arrives, and every {@code --every} seconds
 * the worst-moving touchpoints (NPS over the last hour against the last 7 days). Ctrl-C stops it.
 */
final class VocView {
    private VocView() {}

    static int run(Map<String, String> args, PrintStream out) throws InterruptedException {
        int port;
        long every;
        try {
            port = Integer.parseInt(args.getOrDefault("kafka-port", "9092"));
            every = Long.parseLong(args.getOrDefault("every", "10"));
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("kafka-port", "--kafka-port and --every take whole numbers");
        }
        String aggregates = args.getOrDefault(VocOptions.TOPIC_VOC.key(), VocOptions.TOPIC_VOC.defaultValue());
        String alerts =
                args.getOrDefault(VocOptions.TOPIC_VOC_ALERTS.key(), VocOptions.TOPIC_VOC_ALERTS.defaultValue());
        out.printf("cx voc: reading %s and %s on 127.0.0.1:%d (Ctrl-C to stop)%n", aggregates, alerts, port);
        VocPrinter printer = new VocPrinter("127.0.0.1:" + port, aggregates, alerts, out, true);
        Thread thread = new Thread(printer, "voc-view");
        thread.start();
        Runtime.getRuntime().addShutdownHook(new Thread(printer::close));
        while (thread.isAlive()) {
            thread.join(every * 1000);
            out.println(printer.summary());
        }
        return 0;
    }
}
