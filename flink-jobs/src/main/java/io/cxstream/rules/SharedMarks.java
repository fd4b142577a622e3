package io.cxstream.rules;

import io.cxstream.avro.JourneyState;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
import io.cxstream.avro.RuleState;
import io.cxstream.state.StateCache;
import io.cxstream.state.StoredForm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a customer's rule progress is stored: each distinct mark once. Rules that take the same event
 * each remember it (in the benchmark's fifty rules a search is a mark of two counts, an absence and a
 * sequence); in memory those marks are one object or equal copies, in the state backend the progress
 * names them by position ({@code refs}) in one list of the state ({@code shared}). Values written
 * before (marks inline, no {@code shared}) read as they were. Marks are never changed in place, so the
 * rules may share one object after a read.
 */
public final class SharedMarks {
    /** Past this many distinct marks, a mark's earlier copy is found through a map, not a scan. */
    private static final int SCAN_LIMIT = 16;

    private SharedMarks() {}

    /**
     * The journey value's stored form: its rule progress packed for the write (each distinct mark once),
     * into buffers the form reuses from one write to the next. One form per operator instance: not
     * thread-safe.
     */
    public static StoredForm<JourneyState> journeyForm() {
        Packer packer = new Packer();
        return new StoredForm<>() {
            @Override
            public void write(JourneyState value, StateCache.Write<JourneyState> write) throws Exception {
                RuleState rules = value.getRules();
                RuleState packed = rules == null ? null : packer.pack(rules);
                if (packed == rules) {
                    write.write(value);
                    return;
                }
                value.setRules(packed);
                try {
                    write.write(value);
                } finally {
                    value.setRules(rules);
                    packer.release();
                }
            }

            @Override
            public JourneyState read(JourneyState stored) {
                if (stored.getRules() != null) {
                    unpack(stored.getRules());
                }
                return stored;
            }
        };
    }

    /**
     * The stored form of {@code s}: a new state with the same pending events whose progress names its
     * marks in {@code shared}; {@code s} itself when no rule has a mark. {@code s} is not changed.
     */
    static RuleState pack(RuleState s) {
        return new Packer().pack(s);
    }

    /**
     * Turns a stored state back into the form the engine works on, in place: each progress's marks
     * from its {@code refs} (one object for one position). A state without {@code shared} is left as it is.
     */
    public static void unpack(RuleState s) {
        List<RuleMark> shared = s.getShared();
        if (shared.isEmpty()) {
            return;
        }
        for (RuleProgress p : s.getProgress()) {
            List<Integer> refs = p.getRefs();
            if (refs.isEmpty()) {
                continue;
            }
            List<RuleMark> marks = new ArrayList<>(refs.size() + 1);
            for (int i = 0; i < refs.size(); i++) {
                int ref = refs.get(i);
                if (ref < 0 || ref >= shared.size()) {
                    throw new IllegalStateException("rule " + p.getRuleId() + ": mark " + ref + " of " + shared.size());
                }
                marks.add(shared.get(ref));
            }
            marks.addAll(p.getMarks()); // none, unless a value was written both ways
            p.setMarks(marks);
            p.setRefs(List.of());
        }
        s.setShared(List.of());
    }

    /** Whether two marks are the same event as remembered: equal fields, and the same journey snapshot or none. */
    static boolean same(RuleMark a, RuleMark b) {
        return a == b
                || (a.getEventTime() == b.getEventTime()
                        && a.getScore() == b.getScore()
                        && a.getSnapshot() == b.getSnapshot()
                        && Objects.equals(a.getEventId(), b.getEventId())
                        && Objects.equals(a.getType(), b.getType())
                        && Objects.equals(a.getMetric(), b.getMetric())
                        && Objects.equals(a.getTouchpoint(), b.getTouchpoint())
                        && Objects.equals(a.getChannel(), b.getChannel())
                        && Objects.equals(a.getAgentId(), b.getAgentId()));
    }

    /**
     * Packs one state at a time into buffers it keeps: what {@link #pack} returns holds until the next
     * call or {@link #release}. The distinct marks are kept in the order first met.
     */
    private static final class Packer {
        private final List<RuleMark> table = new ArrayList<>();
        private final List<RuleProgress> packed = new ArrayList<>();
        /** Progress records to fill, each with its own refs list; grows to the most rules with progress seen. */
        private final List<RuleProgress> slots = new ArrayList<>();

        private final RuleState state = new RuleState(List.of(), packed, table);
        /**
         * Event id to the first position with that id, one map for marks with a journey snapshot and one
         * for marks without; filled once the table passes {@link #SCAN_LIMIT}.
         */
        private final Map<String, Integer> plain = new HashMap<>();

        private final Map<String, Integer> withSnapshot = new HashMap<>();
        private boolean mapped;

        RuleState pack(RuleState s) {
            List<RuleProgress> progress = s.getProgress();
            boolean anyMarks = false;
            for (int i = 0; i < progress.size() && !anyMarks; i++) {
                anyMarks = !progress.get(i).getMarks().isEmpty();
            }
            if (!anyMarks) {
                return s;
            }
            release();
            for (int i = 0; i < progress.size(); i++) {
                RuleProgress p = progress.get(i);
                if (slots.size() == i) {
                    slots.add(new RuleProgress("", 0, List.of(), new ArrayList<>()));
                }
                RuleProgress slot = slots.get(i);
                slot.setRuleId(p.getRuleId());
                slot.setVersion(p.getVersion());
                List<Integer> refs = slot.getRefs();
                refs.clear();
                for (RuleMark m : p.getMarks()) {
                    refs.add(indexOf(m));
                }
                packed.add(slot);
            }
            state.setPending(s.getPending());
            return state;
        }

        /** Lets go of the last state packed (its marks and pending events). */
        void release() {
            table.clear();
            packed.clear();
            state.setPending(List.of());
            if (mapped) {
                plain.clear();
                withSnapshot.clear();
                mapped = false;
            }
        }

        private int indexOf(RuleMark m) {
            if (!mapped) {
                for (int i = 0; i < table.size(); i++) {
                    if (same(table.get(i), m)) {
                        return i;
                    }
                }
            } else {
                Integer first = ids(m).get(m.getEventId());
                if (first != null) {
                    // The same id again: the same mark, or (rarely) an id re-sent with other fields.
                    for (int i = first; i < table.size(); i++) {
                        if (same(table.get(i), m)) {
                            return i;
                        }
                    }
                }
            }
            table.add(m);
            if (mapped) {
                ids(m).putIfAbsent(m.getEventId(), table.size() - 1);
            } else if (table.size() > SCAN_LIMIT) {
                mapped = true;
                for (int i = 0; i < table.size(); i++) {
                    ids(table.get(i)).putIfAbsent(table.get(i).getEventId(), i);
                }
            }
            return table.size() - 1;
        }

        private Map<String, Integer> ids(RuleMark m) {
            return m.getSnapshot() == null ? plain : withSnapshot;
        }
    }
}
