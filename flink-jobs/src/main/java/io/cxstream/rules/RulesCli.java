package io.cxstream.rules;

import io.cxstream.config.CxConfig;
import io.cxstream.config.CxOptions;
import io.cxstream.config.InvalidConfigException;
import io.cxstream.config.KafkaOptions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./cx rules validate FILE [--<job key> <value> ...]}: the job's checks, offline. FILE is a
 * rule file ({@code {"schema":1,"rules":[...]}}, checked as {@code rules.file} is at start, with
 * its {@code ${setting}} placeholders filled) or one rule as published on the rules topic (checked
 * as the job checks a published record, less what depends on the running rules: an older version,
 * or too many enabled). The limits are the job's, from the same settings with the same defaults.
 * Prints one line per rule; exit status 0 when every rule passes, 1 otherwise, 2 on a usage error.
 */
public final class RulesCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RulesCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out) {
        if (args.length < 2 || !"validate".equals(args[0])) {
            out.println(
                    "usage: ./cx rules validate FILE [--<job key> <value> ...]   (e.g. --rules.max-window \"7 d\")");
            return 2;
        }
        Path file = Path.of(args[1]);
        Map<String, String> settings = new LinkedHashMap<>();
        CxConfig config;
        String text;
        try {
            settings.put(KafkaOptions.BOOTSTRAP_SERVERS.key(), "offline:0"); // required by the job, unused here
            settings.putAll(CxConfig.parseArgs(Arrays.copyOfRange(args, 2, args.length)));
            config = CxConfig.fromMap(settings, Map.of());
            text = Files.readString(file);
        } catch (InvalidConfigException e) {
            out.println("ERROR " + e.getMessage());
            return 2;
        } catch (IOException e) {
            out.println("ERROR cannot read " + file + ": " + e);
            return 2;
        }
        // a rule file may hold ${setting} placeholders (as the shipped one does), which are not JSON until filled in
        String resolved;
        try {
            resolved = DefaultRules.resolve(text, DefaultRules.settings(config), CxOptions.RULES_FILE.key());
        } catch (InvalidConfigException e) {
            resolved = text;
        }
        RuleParser parser = new RuleParser(DefaultRules.limits(config), config.cooldown);
        Conditions conditions = new Conditions();
        boolean isFile = looksLikeFile(resolved) || looksLikeFile(text);
        return isFile
                ? validateFile(file, text, settings, config, parser, conditions, out)
                : validateRule(text, parser, conditions, out);
    }

    /** One rule as published on the rules topic: parsed and compiled as the job does with the record. */
    private static int validateRule(String json, RuleParser parser, Conditions conditions, PrintStream out) {
        try {
            out.println(ok(check(parser.parse(json), conditions)));
            return 0;
        } catch (RuleException e) {
            out.println("ERROR " + e.getMessage());
            return 1;
        }
    }

    /** A rule file: each rule on its own line, then the job's own start-up check of the whole file. */
    private static int validateFile(
            Path file,
            String text,
            Map<String, String> settings,
            CxConfig config,
            RuleParser parser,
            Conditions conditions,
            PrintStream out) {
        JsonNode root;
        try {
            root = JSON.readTree(DefaultRules.resolve(text, DefaultRules.settings(config), CxOptions.RULES_FILE.key()));
            ObjectNode envelope = ((ObjectNode) root).deepCopy();
            if (root.path("rules").isArray()) {
                envelope.set("rules", JSON.createArrayNode()); // the rules are checked one by one below
            }
            parser.parseFile(envelope.toString());
        } catch (InvalidConfigException e) {
            out.println("ERROR " + e.getMessage());
            return 1;
        } catch (JsonProcessingException e) {
            out.println("ERROR " + file + ": not valid JSON once the ${...} settings are filled in: "
                    + e.getOriginalMessage());
            return 1;
        } catch (RuleException e) {
            out.println("ERROR " + e.getMessage());
            return 1;
        }
        int errors = 0;
        int enabled = 0;
        Set<String> ids = new HashSet<>();
        JsonNode rules = root.get("rules");
        for (int i = 0; i < rules.size(); i++) {
            try {
                Rule rule = check(parser.parse(rules.get(i)), conditions);
                if (!ids.add(rule.id)) {
                    throw new RuleException("rule " + rule.id + ": \"id\" is used by more than one rule");
                }
                enabled += rule.enabled ? 1 : 0;
                out.println(ok(rule));
            } catch (RuleException e) {
                errors++;
                out.println("ERROR rules[" + i + "]: " + e.getMessage());
            }
        }
        if (enabled > config.rulesMaxActive) {
            errors++;
            out.println("ERROR " + enabled + " rules are enabled, more than " + CxOptions.RULES_MAX_ACTIVE.key() + " "
                    + config.rulesMaxActive);
        }
        if (errors == 0) {
            // exactly what the job does with --rules.file FILE at start (catches anything the lines above missed)
            try {
                Map<String, String> withFile = new LinkedHashMap<>(settings);
                withFile.put(CxOptions.RULES_FILE.key(), file.toString());
                DefaultRules.load(CxConfig.fromMap(withFile, Map.of()));
            } catch (InvalidConfigException e) {
                errors++;
                out.println("ERROR " + e.getMessage());
            }
        }
        out.println(errors == 0 ? rules.size() + " rules valid" : errors + " error(s) in " + rules.size() + " rules");
        return errors == 0 ? 0 : 1;
    }

    private static boolean looksLikeFile(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            return root != null && root.isObject() && (root.has("schema") || root.has("rules"));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static Rule check(Rule rule, Conditions conditions) throws RuleException {
        CompiledRule.compile(rule, conditions);
        return rule;
    }

    private static String ok(Rule rule) {
        return "OK " + rule.id + " v" + rule.version + " " + rule.trigger + " "
                + rule.pattern.kind.name().toLowerCase(Locale.ROOT) + (rule.enabled ? "" : " (disabled)");
    }
}
