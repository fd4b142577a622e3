package io.cxstream.testing;

import io.cxstream.avro.Evidence;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.outreach.OutreachIds;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady load of many customers whose outreach is known before the job sees a single event, sent
 * in rounds by a background thread while a test breaks the job. Round {@code r} sends one event of
 * every customer, stamped with the wall clock (so event time is close to now and rises per
 * customer); a short pause between rounds spreads the load over several checkpoints.
 *
 * <p>Customer {@code i} is one of three kinds ({@code i % 3}); {@code k = i / 3} spreads each
 * kind's pattern over the rounds, so some patterns straddle every checkpoint and failure:
 * <ul>
 *   <li>0, payer: page views, and PAYMENT_FAILED at rounds {@code k % (R-1)} and the next
 *       → exactly one PAYMENT_FRICTION with both failures as evidence;</li>
 *   <li>1, caller: page views, and SUPPORT_CONTACT at rounds {@code k % (R-2)} and the next two
 *       → one REPEAT_CONTACT; callers with {@code i % 6 == 4} stop after two contacts → nothing;</li>
 *   <li>2, rater: passive NPS answers (7, 8) and at round {@code k % R} one detractor answer
 *       ({@code k % 7}) → exactly one DETRACTOR; raters with {@code i % 9 == 8} answer 10 instead
 *       → a PROMOTER trigger that the job must suppress (no marketing consent) → nothing.</li>
 * </ul>
 * The expected outreach ids follow from the event ids alone ({@link OutreachIds}: customer, trigger
 * and evidence ids), independent of any run of the job. Each customer writes to ONE input topic, so
 * its events keep their order on a replay; across topics the job's processing order is not
 * deterministic, and a replayed outreach of a customer active on two topics may carry a different
 * journey snapshot.
 */
public final class CustomerLoad implements AutoCloseable {
    /** One outreach the load must produce: its id follows from customer, trigger and evidence ids. */
    public record Expected(String outreachId, String customerId, TriggerType trigger, List<String> evidenceEventIds) {
        public static Expected of(String customerId, TriggerType trigger, List<String> evidenceEventIds) {
            return new Expected(
                    idOf(customerId, trigger, evidenceEventIds), customerId, trigger, List.copyOf(evidenceEventIds));
        }
    }

    /** The deterministic outreach id for these evidence event ids (only the ids count). */
    public static String idOf(String customerId, TriggerType trigger, List<String> evidenceEventIds) {
        List<Evidence> evidence = new ArrayList<>();
        for (String id : evidenceEventIds) {
            evidence.add(new Evidence(id, Instant.EPOCH, ""));
        }
        return OutreachIds.of(customerId, trigger.name(), evidence);
    }

    private record Step(String customer, InteractionType interaction, int nps, String eventId) {
        boolean isFeedback() {
            return interaction == null;
        }
    }

    private final TestKafkaClient kafka;
    private final CxTopics topics;
    private final int rounds;
    private final long pauseMillis;
    private final List<List<Step>> script = new ArrayList<>();
    private final Map<String, Expected> expected = new LinkedHashMap<>();
    private final AtomicInteger eventsSent = new AtomicInteger();
    private final Thread thread;
    private final Object lock = new Object();
    private int allowedRounds;
    private int roundsSent;
    private boolean closed;
    private Throwable failure;

    /**
     * @param prefix customer id prefix (customers are {@code prefix-0} … {@code prefix-(customers-1)})
     * @param customers how many customers (a multiple of 18 gives every kind its full share)
     * @param rounds events per customer, at least 4
     * @param pause pause between rounds (pacing of the load, not a wait for a result)
     */
    public CustomerLoad(
            TestKafkaClient kafka, CxTopics topics, String prefix, int customers, int rounds, Duration pause) {
        if (rounds < 4) {
            throw new IllegalArgumentException("rounds must be at least 4, was " + rounds);
        }
        this.kafka = kafka;
        this.topics = topics;
        this.rounds = rounds;
        this.pauseMillis = pause.toMillis();
        for (int r = 0; r < rounds; r++) {
            script.add(new ArrayList<>(customers));
        }
        for (int i = 0; i < customers; i++) {
            plan(prefix + "-" + i, i);
        }
        this.thread = new Thread(this::run, "customer-load-" + prefix);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void plan(String customer, int i) {
        int k = i / 3;
        List<String> evidence = new ArrayList<>();
        switch (i % 3) {
            case 0 -> {
                int first = k % (rounds - 1);
                for (int r = 0; r < rounds; r++) {
                    boolean failed = r == first || r == first + 1;
                    Step s = add(r, customer, failed ? InteractionType.PAYMENT_FAILED : InteractionType.PAGE_VIEW, -1);
                    if (failed) {
                        evidence.add(s.eventId);
                    }
                }
                expected(Expected.of(customer, TriggerType.PAYMENT_FRICTION, evidence));
            }
            case 1 -> {
                int first = k % (rounds - 2);
                int contacts = i % 6 == 4 ? 2 : 3;
                for (int r = 0; r < rounds; r++) {
                    boolean contact = r >= first && r < first + contacts;
                    Step s =
                            add(r, customer, contact ? InteractionType.SUPPORT_CONTACT : InteractionType.PAGE_VIEW, -1);
                    if (contact) {
                        evidence.add(s.eventId);
                    }
                }
                if (contacts == 3) {
                    expected(Expected.of(customer, TriggerType.REPEAT_CONTACT, evidence));
                }
            }
            default -> {
                int answer = k % rounds;
                boolean promoter = i % 9 == 8;
                for (int r = 0; r < rounds; r++) {
                    int score = r != answer ? 7 + r % 2 : promoter ? 10 : k % 7;
                    Step s = add(r, customer, null, score);
                    if (r == answer && !promoter) {
                        evidence.add(s.eventId);
                    }
                }
                if (!promoter) {
                    expected(Expected.of(customer, TriggerType.DETRACTOR, evidence));
                }
            }
        }
    }

    private Step add(int round, String customer, InteractionType type, int nps) {
        Step s = new Step(customer, type, nps, customer + "-r" + round);
        script.get(round).add(s);
        return s;
    }

    private void expected(Expected e) {
        expected.put(e.outreachId(), e);
    }

    /** The outreach the whole load must produce, by outreachId. */
    public Map<String, Expected> expected() {
        return Collections.unmodifiableMap(expected);
    }

    public int totalEvents() {
        return script.stream().mapToInt(List::size).sum();
    }

    public int rounds() {
        return rounds;
    }

    public int eventsSent() {
        return eventsSent.get();
    }

    /** Lets the load send its first {@code n} rounds (it holds before round {@code n}). */
    public void allow(int n) {
        synchronized (lock) {
            allowedRounds = Math.max(allowedRounds, Math.min(n, rounds));
            lock.notifyAll();
        }
    }

    public void allowAll() {
        allow(rounds);
    }

    /** Waits until the first {@code n} rounds are sent. */
    public void awaitRounds(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (roundsSent < n && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Timed out after " + timeout + " waiting for " + n
                            + " rounds of load; sent " + roundsSent + " (allowed " + allowedRounds + ")");
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            if (failure != null) {
                throw new AssertionError("the load failed", failure);
            }
        }
    }

    public void awaitDone(Duration timeout) throws InterruptedException {
        awaitRounds(rounds, timeout);
    }

    private void run() {
        try {
            long[] lastTime = new long[1];
            for (int r = 0; r < rounds; r++) {
                synchronized (lock) {
                    while (r >= allowedRounds && !closed) {
                        lock.wait();
                    }
                    if (closed) {
                        return;
                    }
                }
                for (Step s : script.get(r)) {
                    // The wall clock, but never backwards: event time rises per customer.
                    long t = Math.max(System.currentTimeMillis(), lastTime[0]);
                    lastTime[0] = t;
                    if (s.isFeedback()) {
                        FeedbackEvent e = Events.feedback(s.customer, t, FeedbackMetric.NPS, s.nps);
                        e.setEventId(s.eventId);
                        kafka.send(topics.feedback, s.customer, e, WireFormat.AVRO);
                    } else {
                        InteractionEvent e = Events.interaction(
                                s.customer,
                                t,
                                s.interaction,
                                s.interaction == InteractionType.PAGE_VIEW ? "home" : "checkout");
                        e.setEventId(s.eventId);
                        kafka.send(topics.interactions, s.customer, e, WireFormat.AVRO);
                    }
                    eventsSent.incrementAndGet();
                }
                synchronized (lock) {
                    roundsSent = r + 1;
                    lock.notifyAll();
                }
                Thread.sleep(pauseMillis); // pacing of the load
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            synchronized (lock) {
                failure = t;
                lock.notifyAll();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        thread.interrupt();
        thread.join(10_000);
    }
}
