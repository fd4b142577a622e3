package io.cxstream.local;

import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;

import org.apache.flink.api.common.JobStatus;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code ./cx demo} or {@code ./cx serve}: the {@link LocalStack}, the printers of outreach
 * ({@link AlertPrinter}), of the closed loop ({@link LoopDemo}) and of VoC ({@link VocPrinter}) and, in the demo, the
 * {@link DemoFeed}; a summary every {@code --summary-every} until Ctrl-C, the end of {@code --duration} or the job's
 * end; then everything stopped, in order, before the JVM exits. {@link #run()} once.
 */
final class LocalRun {
    private final LocalSettings settings;
    private final PrintStream out;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DemoFeed feed;
    private VocPrinter vocPrinter;
    private AlertPrinter printer;
    private LoopDemo loop;

    LocalRun(LocalSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs until Ctrl-C, the end of --duration, or the job's end; returns the exit status. */
    int run() throws Exception {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopRequested.countDown();
                            try {
                                stopped.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "cx-local-shutdown"));

        long started = System.nanoTime();
        try {
            LocalStack stack = LocalStack.startBroker(settings, out);
            try {
                CxConfig config = stack.startJob(started);
                startOutputs(config, stack.bootstrapServers());
                int status = summarizeUntilStopped(stack, started);
                out.println();
                out.println("cx-stream: stopping ...");
                out.println(summary(started));
                if (loop != null && !loop.summary().isEmpty()) {
                    out.println(loop.summary());
                }
                return status;
            } finally {
                stop(stack);
            }
        } finally {
            // Lets the shutdown hook return: after a clean stop, and at once when the start failed
            // (a busy --kafka-port used to hold the exit for the hook's 30 s).
            stopped.countDown();
        }
    }

    /** Whether this run has stopped everything it started (or failed before starting anything). */
    boolean stopped() {
        return stopped.getCount() == 0;
    }

    /** The printers and, in the demo, the feed; in serve, what to send where. */
    private void startOutputs(CxConfig config, String bootstrapServers) {
        printer = new AlertPrinter(bootstrapServers, List.of(config.contactCenterTopic, config.marketingTopic), out);
        Daemons.start(printer, "alert-printer");

        loop = LoopDemo.start(config, bootstrapServers, out, settings.demo());
        if (config.voc.enabled) {
            vocPrinter =
                    new VocPrinter(bootstrapServers, config.voc.aggregatesTopic, config.voc.alertsTopic, out, false);
            Daemons.start(vocPrinter, "voc-printer");
        }
        if (settings.demo()) {
            feed = DemoFeed.start(
                    config,
                    bootstrapServers,
                    settings.rate(),
                    settings.customers(),
                    settings.vocRate(),
                    settings.vocDegradeAfter(),
                    out);
        } else {
            out.printf(
                    "%ncx-stream serve: Kafka at %s, topics %s, %s, %s (input) and %s, %s, %s (output); "
                            + "rules on %s, their status on %s.%n"
                            + "Send JSON or Avro events (README: \"Send your own events\"); output topics carry %s; outreach appears below. Ctrl-C to stop.%n%n",
                    bootstrapServers,
                    config.interactionsTopic,
                    config.feedbackTopic,
                    config.consentsTopic,
                    config.contactCenterTopic,
                    config.marketingTopic,
                    config.deadLetterTopic,
                    config.rulesTopic,
                    config.rulesStatusTopic,
                    config.outputFormat == WireFormat.JSON ? "JSON (--output-format avro for Avro)" : "Avro");
        }
    }

    /**
     * Prints the summary every {@code --summary-every} until Ctrl-C or the end of {@code --duration} (status 0), or
     * until the job ends (status 1).
     */
    private int summarizeUntilStopped(LocalStack stack, long started) throws Exception {
        long deadline = settings.duration() == null
                ? Long.MAX_VALUE
                : System.nanoTime() + settings.duration().toNanos();
        while (!stopRequested.await(
                Math.min(settings.summaryEvery().toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                TimeUnit.MILLISECONDS)) {
            JobStatus jobStatus = stack.jobStatus();
            if (jobStatus.isGloballyTerminalState()) {
                out.println("cx-stream: the job ended with status " + jobStatus + " (see .cx/logs/cx-local.log)");
                return 1;
            }
            out.println(summary(started));
            if (vocPrinter != null) {
                out.println("         " + vocPrinter.summary());
            }
            if (!loop.summary().isEmpty()) {
                out.println(loop.summary());
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
        }
        return 0;
    }

    private String summary(long started) {
        long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);
        String sent = feed == null ? "" : String.format("sent %d events | ", feed.sent());
        return String.format("[%4d s] %s%s", seconds, sent, printer == null ? "" : printer.summary());
    }

    /** Stops what was started, the generator first and the broker last. */
    private void stop(LocalStack stack) {
        if (feed != null) {
            feed.close();
        }
        if (vocPrinter != null) {
            vocPrinter.close();
        }
        if (loop != null) {
            loop.close();
        }
        stack.cancelJob();
        if (printer != null) {
            printer.close();
        }
        stack.close();
        out.println("cx-stream: stopped.");
        out.flush();
    }
}
