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

    /** The journey value's stored form: its rule progress {@link #pack packed} for the write. */
    public static StoredForm<JourneyState> journeyForm() {
        return new StoredForm<>() {
            @Override
            public void write(JourneyState value, StateCache.Write<JourneyState> write) throws Exception {
                RuleState rules = value.getRules();
                RuleState packed = rules == null ? null : pack(rules);
                if (packed == rules) {
                    write.write(value);
                    return;
                }
                value.setRules(packed);
                try {
                    write.write(value);
                } finally {
                    value.setRules(rules);
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
    public static RuleState pack(RuleState s) {
        List<RuleProgress> progress = s.getProgress();
        int marks = 0;
        for (RuleProgress p : progress) {
            marks += p.getMarks().size();
        }
        if (marks == 0) {
            return s;
        }
        Table table = new Table(marks);
        List<RuleProgress> packed = new ArrayList<>(progress.size());
        for (RuleProgress p : progress) {
            List<RuleMark> own = p.getMarks();
            List<Integer> refs = new ArrayList<>(own.size());
            for (RuleMark m : own) {
                refs.add(table.indexOf(m));
            }
            packed.add(new RuleProgress(p.getRuleId(), p.getVersion(), List.of(), refs));
        }
        return new RuleState(s.getPending(), packed, table.marks);
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

    /** The distinct marks of one state, in the order first met. */
    private static final class Table {
        final List<RuleMark> marks;
        /**
         * Event id to the first position with that id, one map for marks with a journey snapshot and one
         * for marks without; kept once the table passes {@link #SCAN_LIMIT}.
         */
        private Map<String, Integer> plain;

        private Map<String, Integer> withSnapshot;

        Table(int capacity) {
            this.marks = new ArrayList<>(Math.min(capacity, 64));
        }

        int indexOf(RuleMark m) {
            if (plain == null) {
                for (int i = 0; i < marks.size(); i++) {
                    if (same(marks.get(i), m)) {
                        return i;
                    }
                }
            } else {
                Integer first = ids(m).get(m.getEventId());
                if (first != null) {
                    // The same id again: the same mark, or (rarely) an id re-sent with other fields.
                    for (int i = first; i < marks.size(); i++) {
                        if (same(marks.get(i), m)) {
                            return i;
                        }
                    }
                }
            }
            marks.add(m);
            if (plain != null) {
                ids(m).putIfAbsent(m.getEventId(), marks.size() - 1);
            } else if (marks.size() > SCAN_LIMIT) {
                plain = new HashMap<>();
                withSnapshot = new HashMap<>();
                for (int i = 0; i < marks.size(); i++) {
                    ids(marks.get(i)).putIfAbsent(marks.get(i).getEventId(), i);
                }
            }
            return marks.size() - 1;
        }

        private Map<String, Integer> ids(RuleMark m) {
            return m.getSnapshot() == null ? plain : withSnapshot;
        }
    }
}
