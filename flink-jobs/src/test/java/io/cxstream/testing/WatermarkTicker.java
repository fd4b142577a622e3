package io.cxstream.testing;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireFormat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps event time moving in an integration test that runs the job with {@code event-time.mode=replay}:
 * sends a page view of a filler customer, stamped with the wall clock, every {@code periodMillis}.
 * In replay mode the watermark moves only with events. In live mode (the default) tests need no
 * ticker: a quiet input follows the job's clock, as users' inputs do.
 */
public final class WatermarkTicker implements AutoCloseable {
    public static final String FILLER_CUSTOMER = "filler-ticker";

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watermark-ticker");
        t.setDaemon(true);
        return t;
    });

    public WatermarkTicker(TestKafkaClient kafka, String interactionsTopic, long periodMillis) {
        executor.scheduleAtFixedRate(
                () -> kafka.send(
                        interactionsTopic,
                        FILLER_CUSTOMER,
                        Events.interaction(
                                FILLER_CUSTOMER, System.currentTimeMillis(), InteractionType.PAGE_VIEW, "home"),
                        WireFormat.AVRO),
                0,
                periodMillis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
