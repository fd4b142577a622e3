package io.cxstream.reliability;

import io.cxstream.testing.CxTopics;

import java.util.Map;

/**
 * Job settings of the failure tests: the test topics, the delivery guarantee under test, a short
 * checkpoint interval (500 ms) so that failures hit between checkpoints many times per run, and the
 * job's DEFAULT event-time bounds (2 s out-of-orderness, 2 s idleness) instead of the quick 300 ms
 * of {@link CxTopics#jobSettings()}: these tests assert that no event at all is dead-lettered as
 * LATE, and on a shared 2-core machine a stalled fetch of a few hundred milliseconds happens
 * without any failure, which is not what they are about.
 */
final class ReliabilitySettings {
    private ReliabilitySettings() {}

    static Map<String, String> of(CxTopics topics, String deliveryGuarantee) {
        Map<String, String> settings = topics.jobSettings();
        settings.put("delivery-guarantee", deliveryGuarantee);
        settings.put("checkpoint.interval", "500 ms");
        settings.put("watermark.max-out-of-orderness", "2 s");
        settings.put("watermark.idleness", "2 s");
        return settings;
    }
}
