package io.cxstream.generator;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.wire.WireCodec;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Sends the events of a {@link CustomerSimulator} to Kafka at a target rate: key = customer id,
 * value = the record in the configured {@link io.cxstream.avro.wire.WireFormat}, one topic per
 * {@link EventKind}. Event time (and the Kafka record timestamp) is the wall clock at send time.
 *
 * <p>{@link #run()} sends until the configured duration or number of events is reached, or until
 * {@link #close()}; run it on a thread of its own and close it from another. Pacing follows an
 * absolute schedule (see {@link SyntheticLoadConfig#maxCatchUp()}), so the rate does not drift.
 * Progress is logged every {@link SyntheticLoadConfig#progressInterval()}.
 *
 * <pre>{@code
 * try (SyntheticLoad load = new SyntheticLoad(SyntheticLoadConfig.builder("localhost:9092")
 *         .eventsPerSecond(500).duration(Duration.ofMinutes(5)).build())) {
 *     load.run();
 * }
 * }</pre>
 */
public final class SyntheticLoad implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticLoad.class);

    public static final String DEFAULT_CLIENT_ID = "cx-synthetic-load";
    /** A few milliseconds of batching: large batches at high rates, little added latency at low ones. */
    public static final int DEFAULT_LINGER_MS = 5;

    public static final int DEFAULT_BATCH_SIZE_BYTES = 64 * 1024;
    public static final String DEFAULT_COMPRESSION = "lz4";
    public static final String DEFAULT_ACKS = "all";
    /** How long {@link #close()} waits for the run loop to stop, and then for the producer to send what it holds. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Longest single wait, so that a deadline is noticed even without a wake-up. */
    static final long MAX_WAIT_NANOS = Duration.ofMillis(100).toNanos();

    /** Waits about the given time, or less (e.g. when woken by {@link LockSupport#unpark}). */
    @FunctionalInterface
    public interface Waiter {
        void await(long nanos);
    }

    private final SyntheticLoadConfig config;
    private final Producer<String, byte[]> producer;
    private final InstantSource wallClock;
    private final LongSupplier nanoClock;
    private final Waiter waiter;
    private final CustomerSimulator simulator;
    private final WireCodec<InteractionEvent> interactionCodec = WireCodec.of(InteractionEvent.class);
    private final WireCodec<FeedbackEvent> feedbackCodec = WireCodec.of(FeedbackEvent.class);
    private final WireCodec<ConsentEvent> consentCodec = WireCodec.of(ConsentEvent.class);

    private final AtomicLongArray sentByKind = new AtomicLongArray(EventKind.values().length);
    private final AtomicLongArray sentByPersona = new AtomicLongArray(Persona.values().length);
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final Callback onAcknowledged = this::acknowledged;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Thread runner;

    /** A load that sends through a new {@link KafkaProducer} built from {@link #producerProperties}. */
    public SyntheticLoad(SyntheticLoadConfig config) {
        this(
                config,
                new KafkaProducer<>(producerProperties(config)),
                InstantSource.system(),
                System::nanoTime,
                LockSupport::parkNanos);
    }

    /**
     * A load with its producer and clocks given, for tests and embedding.
     *
     * @param producer the producer; closed by {@link #close()}
     * @param wallClock gives the event time of each event as it is sent
     * @param nanoClock a monotonic clock in nanoseconds ({@link System#nanoTime()}), for pacing and limits
     * @param waiter how the load waits for the next slot ({@link LockSupport#parkNanos(long)})
     */
    public SyntheticLoad(
            SyntheticLoadConfig config,
            Producer<String, byte[]> producer,
            InstantSource wallClock,
            LongSupplier nanoClock,
            Waiter waiter) {
        this.config = Objects.requireNonNull(config, "config");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
        this.simulator = new CustomerSimulator(config.simulator());
    }

    /**
     * The producer settings: String keys, byte[] values, {@code acks=all}, {@code linger.ms=5},
     * {@code batch.size=65536}, {@code compression.type=lz4}, then the configuration's overrides.
     */
    public static Properties producerProperties(SyntheticLoadConfig config) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.setProperty(ProducerConfig.CLIENT_ID_CONFIG, DEFAULT_CLIENT_ID);
        props.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.setProperty(ProducerConfig.ACKS_CONFIG, DEFAULT_ACKS);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(DEFAULT_LINGER_MS));
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(DEFAULT_BATCH_SIZE_BYTES));
        props.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, DEFAULT_COMPRESSION);
        props.putAll(config.producerOverrides());
        return props;
    }

    /**
     * Sends until the duration or event limit is reached or {@link #close()} is called, then
     * flushes (unless closed). May be called once.
     *
     * @throws IllegalStateException if called a second time
     * @throws RuntimeException what the producer threw, if it failed while the load was not closed
     */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a SyntheticLoad runs only once");
        }
        runner = Thread.currentThread();
        long start = nanoClock.getAsLong();
        Pacer pacer = new Pacer(config.eventsPerSecond(), config.maxCatchUp(), start);
        long durationNanos = config.duration() == null ? Long.MAX_VALUE : saturatedNanos(config.duration());
        long progressNanos = config.progressInterval().toNanos();
        Progress progress = new Progress(start);
        String stopReason = "closed";
        LOG.info(
                "Synthetic load starting: {} to {} ({}), {}, limit {}, {} customers, seed {}",
                pacer.unlimited() ? "as fast as possible" : config.eventsPerSecond() + " events/s",
                config.topics(),
                config.format(),
                config.duration() == null ? "no time limit" : config.duration(),
                config.maxEvents() == 0 ? "none" : config.maxEvents() + " events",
                config.simulator().customers(),
                config.simulator().seed());
        try {
            while (!closed.get()) {
                if (Thread.currentThread().isInterrupted()) {
                    stopReason = "interrupted";
                    break;
                }
                long now = nanoClock.getAsLong();
                long elapsed = now - start;
                if (elapsed >= durationNanos) {
                    stopReason = "duration reached";
                    break;
                }
                if (config.maxEvents() > 0 && pacer.granted() >= config.maxEvents()) {
                    stopReason = "event limit reached";
                    break;
                }
                if (now - progress.lastNanos >= progressNanos) {
                    progress.log(now);
                }
                long wait = pacer.nanosUntilNext(now);
                if (wait > 0) {
                    waiter.await(Math.min(wait, Math.min(MAX_WAIT_NANOS, durationNanos - elapsed)));
                    continue;
                }
                send();
                pacer.sent();
            }
            if (!closed.get()) {
                producer.flush();
            }
        } catch (RuntimeException e) {
            if (!closed.get()) {
                stopReason = "failed: " + e;
                throw e;
            }
            // closed while sending: the producer was closed under us, which is how close() stops a blocked send
        } finally {
            LOG.info(
                    "Synthetic load stopped ({}) after {}: {}",
                    stopReason,
                    Duration.ofNanos(nanoClock.getAsLong() - start),
                    summary());
            runner = null;
            finished.countDown();
        }
    }

    /** Events handed to the producer so far. */
    public long sent() {
        long total = 0;
        for (int i = 0; i < sentByKind.length(); i++) {
            total += sentByKind.get(i);
        }
        return total;
    }

    /** Events handed to the producer so far, per kind (every kind present). */
    public Map<EventKind, Long> sentByKind() {
        return countsOf(EventKind.values(), sentByKind);
    }

    /** Events handed to the producer so far, per persona of their journey (every persona present). */
    public Map<Persona, Long> sentByPersona() {
        return countsOf(Persona.values(), sentByPersona);
    }

    /** Events the producer reported as failed (not written). */
    public long failed() {
        return failed.get();
    }

    /** Waits until {@link #run()} has returned; false if it did not within the timeout (or never started). */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the run loop (waking it if it waits), waits up to {@link #CLOSE_TIMEOUT} for it to
     * return, then closes the producer, which first sends what it still holds (up to the same
     * timeout). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread running = runner;
        if (running != null && running != Thread.currentThread()) {
            LockSupport.unpark(running);
            try {
                if (!finished.await(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                    LOG.warn("Synthetic load did not stop within {}; closing its producer anyway", CLOSE_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(CLOSE_TIMEOUT);
    }

    private void send() {
        long eventTime = wallClock.millis();
        SimulatedEvent event = simulator.next(eventTime);
        byte[] value = switch (event.kind()) {
            case INTERACTION -> interactionCodec.encode(event.interaction(), config.format());
            case FEEDBACK -> feedbackCodec.encode(event.feedback(), config.format());
            case CONSENT -> consentCodec.encode(event.consent(), config.format());
        };
        producer.send(
                new ProducerRecord<>(event.topic(config.topics()), null, eventTime, event.customerId(), value),
                onAcknowledged);
        sentByKind.incrementAndGet(event.kind().ordinal());
        sentByPersona.incrementAndGet(event.persona().ordinal());
    }

    private void acknowledged(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            return;
        }
        failed.incrementAndGet();
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn(
                    "Synthetic load: the producer failed to write an event (further failures are only counted)",
                    exception);
        }
    }

    private String summary() {
        return sent() + " events sent " + sentByKind() + ", " + failed() + " failed";
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static <E extends Enum<E>> Map<E, Long> countsOf(E[] keys, AtomicLongArray counts) {
        Map<E, Long> map = new EnumMap<>(keys[0].getDeclaringClass());
        for (E key : keys) {
            map.put(key, counts.get(key.ordinal()));
        }
        return Collections.unmodifiableMap(map);
    }

    /** The numbers of the last progress line, for the rate since then. */
    private final class Progress {
        long lastNanos;
        long lastSent;

        Progress(long startNanos) {
            this.lastNanos = startNanos;
        }

        void log(long nowNanos) {
            long sent = sent();
            double seconds = (nowNanos - lastNanos) / (double) TimeUnit.SECONDS.toNanos(1);
            LOG.info(
                    "Synthetic load: {} ({} events/s over the last {} s)",
                    summary(),
                    Math.round((sent - lastSent) / seconds),
                    Math.round(seconds));
            lastNanos = nowNanos;
            lastSent = sent;
        }
    }
}
