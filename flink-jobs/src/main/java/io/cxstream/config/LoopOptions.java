package io.cxstream.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/** The closed-loop settings (lifecycle, times to ack, caps, holdout, recovery; io.cxstream.loop). Part of {@link CxOptions#all()}. */
public final class LoopOptions {
    private LoopOptions() {}

    public static final ConfigOption<Boolean> LIFECYCLE_ENABLED = ConfigOptions.key("outreach.lifecycle.enabled")
            .booleanType()
            .defaultValue(false)
            .withDescription(
                    "Closes the loop: caps, holdout, lifecycle (acks, SLA, escalation, auto-resolve) and recovery "
                            + "after the decision; needs topic.outreach.updates, topic.outreach.feedback and topic.outreach.recovery.");
    public static final ConfigOption<String> TOPIC_OUTREACH_UPDATES = ConfigOptions.key("topic.outreach.updates")
            .stringType()
            .defaultValue("cx.outreach.updates")
            .withDescription(
                    "Output: status changes of every outreach (OPEN, ACKED, CLOSED, RESOLVED, ESCALATED, EXPIRED, "
                            + "HELD_OUT) and its one recovery outcome, keyed by customerId.");
    public static final ConfigOption<String> TOPIC_OUTREACH_FEEDBACK = ConfigOptions.key("topic.outreach.feedback")
            .stringType()
            .defaultValue("cx.outreach.feedback")
            .withDescription("Input: acks and closes of outreach from the contact center or CRM, keyed by customerId.");
    public static final ConfigOption<String> TOPIC_OUTREACH_RECOVERY = ConfigOptions.key("topic.outreach.recovery")
            .stringType()
            .defaultValue("cx.outreach.recovery")
            .withDescription("Output: recovery counts per rule, treated versus held out, keyed by ruleId.");
    public static final ConfigOption<List<String>> ACK_SLA_CONTACT_CENTER = ConfigOptions.key(
                    "outreach.sla.contact-center")
            .stringType()
            .asList()
            .defaultValues("P1=15 min", "P2=1 h", "P3=4 h")
            .withDescription(
                    "Time to ack per priority on the contact-center route (processing time), e.g. P1=15 min;P2=1 h; "
                            + "a priority not listed has no SLA. A rule's loop.ackSla overrides it.");
    public static final ConfigOption<List<String>> ACK_SLA_MARKETING = ConfigOptions.key("outreach.sla.marketing")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription(
                    "Time to ack per priority on the marketing route; none by default (marketing is not acked).");
    public static final ConfigOption<String> ESCALATION_ROUTE = ConfigOptions.key("outreach.escalation.route")
            .stringType()
            .defaultValue("supervisor")
            .withDescription(
                    "Who an ESCALATED outreach goes to (named in the update's detail); a second missed SLA is EXPIRED.");
    public static final ConfigOption<Integer> CAP_CONTACT_CENTER = ConfigOptions.key("outreach.cap.contact-center")
            .intType()
            .defaultValue(0)
            .withDescription(
                    "At most this many contact-center outreach per customer per outreach.cap.contact-center.period, "
                            + "across triggers; 0 = no cap.");
    public static final ConfigOption<Duration> CAP_CONTACT_CENTER_PERIOD = ConfigOptions.key(
                    "outreach.cap.contact-center.period")
            .durationType()
            .defaultValue(Duration.ofDays(1))
            .withDescription("Period of the contact-center cap (event time).");
    public static final ConfigOption<Integer> CAP_MARKETING = ConfigOptions.key("outreach.cap.marketing")
            .intType()
            .defaultValue(0)
            .withDescription(
                    "At most this many marketing outreach per customer per outreach.cap.marketing.period; 0 = no cap.");
    public static final ConfigOption<Duration> CAP_MARKETING_PERIOD = ConfigOptions.key("outreach.cap.marketing.period")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDescription("Period of the marketing cap (event time).");
    public static final ConfigOption<Integer> HOLDOUT_PERCENT = ConfigOptions.key("outreach.holdout-percent")
            .intType()
            .defaultValue(0)
            .withDescription(
                    "Percent of triggers (by a hash of customer and rule) recorded as HELD_OUT instead of sent, "
                            + "to measure uplift; 0..50.");
    public static final ConfigOption<Duration> RECOVERY_PERIOD = ConfigOptions.key("outreach.recovery.period")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDescription(
                    "How long after its trigger (event time) an outreach's customer is followed for a recovery outcome.");
    public static final ConfigOption<Duration> RESOLVE_WITHIN = ConfigOptions.key("outreach.resolve-within")
            .durationType()
            .defaultValue(Duration.ofHours(24))
            .withDescription("The shipped rules' loop.within: how long after the trigger an order (payment friction, "
                    + "abandonment) or a promoter answer (detractor) resolves an unacked outreach.");
    public static final ConfigOption<Duration> EARLY_EVENTS_TTL = ConfigOptions.key(
                    "outreach.lifecycle.early-events-ttl")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription(
                    "How long (processing time) the lifecycle keeps a customer's orders, answers and closures that "
                            + "arrive before the outreach they resolve (the decision waits for the watermark).");
}
