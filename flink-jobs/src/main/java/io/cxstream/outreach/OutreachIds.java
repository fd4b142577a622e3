package io.cxstream.outreach;

import io.cxstream.avro.Evidence;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Deterministic outreach ids: a name-based UUID of customer, trigger name and evidence event ids. A
 * replay after a failure yields the same id, so consumers can drop duplicates by it.
 */
public final class OutreachIds {
    private OutreachIds() {}

    public static String of(String customerId, String trigger, List<Evidence> evidence) {
        StringBuilder sb = new StringBuilder(64).append(customerId).append('|').append(trigger);
        for (Evidence e : evidence) {
            sb.append('|').append(e.getEventId());
        }
        return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
