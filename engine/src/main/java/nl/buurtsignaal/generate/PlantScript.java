package nl.buurtsignaal.generate;

import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.CatalogueEntry;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rule's planted case and decoy as the rule's own catalogue file declares them, in its
 * {@code plant:} block, so that a new rule brings its test case in the same file.
 *
 * <p>{@code plant.case} (and {@code plant.decoy}) is a list of steps, run in order; the first key
 * of a step names its kind:
 * <ul>
 *   <li>{@code let: {name: expr, ...}} binds names;</li>
 *   <li>{@code address: NAME} with {@code usage}, {@code floor_m2}: a new BAG address with its WOZ values;</li>
 *   <li>{@code person: NAME}: a new person;</li>
 *   <li>{@code residence: PERSON} with {@code address}, {@code from}, optional {@code to},
 *       {@code born}, optional {@code status} (default {@code resident});</li>
 *   <li>{@code company: NAME} with {@code at} (an address), {@code sbi}, {@code form},
 *       {@code registered}, optional {@code gone}, optional {@code officer} with {@code role}
 *       (the officer serves from registration until the company is gone);</li>
 *   <li>{@code transfer: ADDRESS} with {@code on}, {@code buyer} (a person or a company),
 *       {@code price}, {@code mortgage};</li>
 *   <li>{@code case: ADDRESS} with {@code opened} and {@code type}: an enforcement case;</li>
 *   <li>{@code repeat: COUNT} with optional {@code as: NAME} (0, 1, ...) and {@code do:} steps;</li>
 *   <li>{@code subject: ENTITY}: the planted (or decoy) subject, as the rule's subject type names it.</li>
 * </ul>
 * Any step may carry {@code when: expr}, and is skipped where it is false. Values are
 * <a href="https://commons.apache.org/proper/commons-jexl/">JEXL</a> expressions over the rule's
 * effective parameters and the names bound before ({@code min(a, b)}, {@code max(a, b)},
 * {@code months_before(n)}, {@code plus_months(date, n)}, {@code new_person()},
 * {@code any_person()}, {@code any_dwelling()}, {@code any_other()}); the texts {@code usage},
 * {@code form}, {@code sbi}, {@code role}, {@code status} and {@code type} are taken as written, a
 * list of texts meaning each in turn. {@code plant.order} (optional) sets the rule's place among
 * the planted cases; rules without one follow, by file name.
 */
public final class PlantScript {
    /** What the generator offers a script: the rows it writes and the entities it draws. */
    public interface City {
        Address newAddress(String usage, int floorM2);

        Person newPerson();

        Person anyPerson();

        Address anyDwelling();

        Address anyOther();

        Company newCompany();

        LocalDate monthsBefore(int months);

        void residence(Person person, LocalDate from, LocalDate to, Address address, int born, String status);

        void establishment(Company company, Address at, String sbi, String form, LocalDate registered, LocalDate gone);

        void officer(Company company, Person officer, String role, LocalDate from, LocalDate to);

        void transfer(Address object, LocalDate on, Object buyer, long price, boolean mortgage);

        void enforcementCase(Address address, LocalDate opened, String type);

        /** The subject's id for a rule of this subject type (address, object or person). */
        String subjectId(Object entity, String subjectType);
    }

    /** A generated address, by its index. */
    public record Address(long index) {
    }

    /** A generated person, by BSN. */
    public record Person(String bsn) {
    }

    /** A generated company, by KvK number. */
    public record Company(String kvk) {
    }

    private static final Set<String> KINDS = Set.of("let", "address", "person", "residence", "company", "transfer",
            "case", "repeat", "subject");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "let", Set.of(),
            "address", Set.of("usage", "floor_m2"),
            "person", Set.of(),
            "residence", Set.of("address", "from", "to", "born", "status"),
            "company", Set.of("at", "sbi", "form", "registered", "gone", "officer", "role"),
            "transfer", Set.of("on", "buyer", "price", "mortgage"),
            "case", Set.of("opened", "type"),
            "repeat", Set.of("as", "do"),
            "subject", Set.of());
    private static final Set<String> REQUIRED_TEXT = Set.of("usage", "form", "sbi", "type");
    private static final JexlEngine JEXL = new JexlBuilder()
            .strict(true).silent(false).safe(false)
            .permissions(JexlPermissions.RESTRICTED.compose("nl.buurtsignaal.generate.*"))
            .create();

    private final CatalogueEntry rule;
    private final List<Step> planted;
    private final List<Step> decoy;
    private final int order;

    private PlantScript(CatalogueEntry rule, List<Step> planted, List<Step> decoy, int order) {
        this.rule = rule;
        this.planted = planted;
        this.decoy = decoy;
        this.order = order;
    }

    /** The rule's script, or null where its file declares none; a malformed block is a one-line error. */
    public static PlantScript of(CatalogueEntry rule) {
        JsonNode block = rule.plant();
        if (block == null || block.isNull() || block.isMissingNode()) {
            return null;
        }
        String where = "catalogue " + rule.file().getFileName() + ": plant";
        if (!block.isObject()) {
            throw new UsageException(where + " must be a map with case (and decoy, order)");
        }
        block.fieldNames().forEachRemaining(f -> {
            if (!Set.of("case", "decoy", "order").contains(f)) {
                throw new UsageException(where + ": unknown field '" + f + "' (case, decoy, order)");
            }
        });
        if (!block.path("case").isArray() || block.path("case").isEmpty()) {
            throw new UsageException(where + ".case must be a list of steps");
        }
        List<Step> planted = steps(block.path("case"), where + ".case");
        List<Step> decoy = block.has("decoy") ? steps(block.path("decoy"), where + ".decoy") : List.of();
        if (planted.stream().noneMatch(s -> s.kind.equals("subject"))) {
            throw new UsageException(where + ".case names no subject (a step 'subject: NAME')");
        }
        int order = block.path("order").asInt(Integer.MAX_VALUE);
        return new PlantScript(rule, planted, decoy, order);
    }

    public CatalogueEntry rule() {
        return rule;
    }

    /** Its place among the rules' planted cases (unordered rules last, by file). */
    public int order() {
        return order;
    }

    public boolean hasDecoy() {
        return !decoy.isEmpty();
    }

    /** Writes the planted case into the city; returns its subject's id. */
    public String plant(City city) {
        return run(planted, city);
    }

    /** Writes the decoy into the city; returns its subject's id. */
    public String plantDecoy(City city) {
        return run(decoy, city);
    }

    private String run(List<Step> steps, City city) {
        Run run = new Run(city);
        run.vars.putAll(rule.parameters());
        run.steps(steps);
        if (run.subject == null) {
            throw new UsageException("catalogue " + rule.file().getFileName() + ": plant reached no subject step");
        }
        return run.subject;
    }

    // ---- parsing -----------------------------------------------------------------------------

    /** One step: its kind, its main value (a name or an expression) and its fields. */
    private record Step(String kind, String where, JsonNode main, Map<String, JsonNode> fields, JexlExpression when,
                        List<Step> body) {
    }

    private static List<Step> steps(JsonNode list, String where) {
        if (!list.isArray()) {
            throw new UsageException(where + " must be a list of steps");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            steps.add(step(list.get(i), where + "[" + (i + 1) + "]"));
        }
        return steps;
    }

    private static Step step(JsonNode node, String where) {
        if (!node.isObject() || node.isEmpty()) {
            throw new UsageException(where + " must be a map whose first key is one of " + KINDS);
        }
        String kind = node.fieldNames().next();
        if (!KINDS.contains(kind)) {
            throw new UsageException(where + ": unknown step '" + kind + "' (one of " + KINDS + ")");
        }
        Map<String, JsonNode> fields = new HashMap<>();
        JexlExpression when = null;
        var names = node.fieldNames();
        names.next();
        while (names.hasNext()) {
            String field = names.next();
            if (field.equals("when")) {
                when = expression(node.get(field), where + ".when");
            } else if (!FIELDS.get(kind).contains(field)) {
                throw new UsageException(where + ": a " + kind + " step has no field '" + field + "' ("
                        + FIELDS.get(kind) + ")");
            } else {
                fields.put(field, node.get(field));
            }
        }
        JsonNode main = node.get(kind);
        List<Step> body = List.of();
        switch (kind) {
            case "let" -> {
                if (!main.isObject()) {
                    throw new UsageException(where + ": let takes a map of names to expressions");
                }
                main.fields().forEachRemaining(e -> {
                    name(e.getKey(), where);
                    expression(e.getValue(), where + ".let." + e.getKey());
                });
            }
            case "address", "person", "company" -> name(main.asText(), where);
            case "repeat" -> {
                expression(main, where + ".repeat");
                if (fields.containsKey("as")) {
                    name(fields.get("as").asText(), where);
                }
                body = steps(fields.getOrDefault("do", com.fasterxml.jackson.databind.node.MissingNode.getInstance()),
                        where + ".do");
            }
            default -> expression(main, where + "." + kind);
        }
        for (String field : REQUIRED_TEXT) {
            if (FIELDS.get(kind).contains(field) && !fields.containsKey(field)) {
                throw new UsageException(where + ": a " + kind + " step needs '" + field + "'");
            }
        }
        fields.forEach((field, value) -> {
            if (!isText(field) && !field.equals("do") && !field.equals("as")) {
                expression(value, where + "." + field);
            }
        });
        return new Step(kind, where, main, fields, when, body);
    }

    private static boolean isText(String field) {
        return Set.of("usage", "form", "sbi", "role", "status", "type").contains(field);
    }

    private static void name(String name, String where) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new UsageException(where + ": '" + name + "' is not a name (lower case letters, digits, '_')");
        }
    }

    private static final Map<String, JexlExpression> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    private static JexlExpression expression(JsonNode node, String where) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            throw new UsageException(where + " must be an expression");
        }
        String text = node.asText();
        JexlExpression compiled = COMPILED.get(text);
        if (compiled == null) {
            try {
                compiled = JEXL.createExpression(new JexlInfo(where, 1, 1), text);
            } catch (JexlException e) {
                throw new UsageException("cannot read '" + text + "' in " + e.getMessage()
                        + " (in a YAML flow map {...}, quote an expression with a comma)");
            }
            COMPILED.put(text, compiled);
        }
        return compiled;
    }

    // ---- running -----------------------------------------------------------------------------

    /** One run of a script: its names, the texts taken in turn, the subject it reached. */
    private final class Run {
        private final City city;
        private final Functions functions;
        private final Map<String, Object> vars = new HashMap<>();
        private final Map<JsonNode, Integer> turns = new IdentityHashMap<>();
        private String subject;

        Run(City city) {
            this.city = city;
            this.functions = new Functions(city);
        }

        void steps(List<Step> steps) {
            for (Step step : steps) {
                if (step.when != null && !Boolean.TRUE.equals(eval(step.when, step.where + ".when"))) {
                    continue;
                }
                step(step);
            }
        }

        private void step(Step s) {
            switch (s.kind) {
                case "let" -> s.main.fields().forEachRemaining(e ->
                        vars.put(e.getKey(), value(e.getValue(), s.where + ".let." + e.getKey())));
                case "address" -> vars.put(s.main.asText(),
                        city.newAddress(text(s, "usage"), integer(s, "floor_m2")));
                case "person" -> vars.put(s.main.asText(), city.newPerson());
                case "residence" -> {
                    Person person = entity(value(s.main, s.where + ".residence"), Person.class, s.where + ".residence");
                    LocalDate from = date(s, "from");
                    LocalDate to = s.fields.containsKey("to") ? date(s, "to") : null;
                    Address address = entity(value(s, "address"), Address.class, s.where + ".address");
                    String status = s.fields.containsKey("status") ? text(s, "status") : "resident";
                    city.residence(person, from, to, address, integer(s, "born"), status);
                }
                case "company" -> {
                    Company company = city.newCompany();
                    vars.put(s.main.asText(), company);
                    LocalDate registered = date(s, "registered");
                    LocalDate gone = s.fields.containsKey("gone") ? date(s, "gone") : null;
                    Address at = entity(value(s, "at"), Address.class, s.where + ".at");
                    city.establishment(company, at, text(s, "sbi"), text(s, "form"), registered, gone);
                    if (s.fields.containsKey("officer")) {
                        Person officer = entity(value(s, "officer"), Person.class, s.where + ".officer");
                        city.officer(company, officer, text(s, "role"), registered, gone);
                    }
                }
                case "transfer" -> {
                    Address object = entity(value(s.main, s.where + ".transfer"), Address.class, s.where + ".transfer");
                    LocalDate on = date(s, "on");
                    Object buyer = value(s, "buyer");
                    if (!(buyer instanceof Person) && !(buyer instanceof Company)) {
                        throw new UsageException(s.where + ".buyer must be a person or a company, not " + buyer);
                    }
                    city.transfer(object, on, buyer, integer(s, "price"), Boolean.TRUE.equals(value(s, "mortgage")));
                }
                case "case" -> {
                    Address address = entity(value(s.main, s.where + ".case"), Address.class, s.where + ".case");
                    city.enforcementCase(address, date(s, "opened"), text(s, "type"));
                }
                case "repeat" -> {
                    long times = number(value(s.main, s.where + ".repeat"), s.where + ".repeat");
                    String as = s.fields.containsKey("as") ? s.fields.get("as").asText() : null;
                    for (int i = 0; i < times; i++) {
                        if (as != null) {
                            vars.put(as, i);
                        }
                        steps(s.body);
                    }
                }
                case "subject" -> subject = city.subjectId(value(s.main, s.where + ".subject"), rule.subjectType());
                default -> throw new IllegalStateException(s.kind);
            }
        }

        private Object value(Step s, String field) {
            JsonNode node = s.fields.get(field);
            if (node == null) {
                throw new UsageException(s.where + ": a " + s.kind + " step needs '" + field + "'");
            }
            return value(node, s.where + "." + field);
        }

        private Object value(JsonNode node, String where) {
            return eval(expression(node, where), where);
        }

        private Object eval(JexlExpression expression, String where) {
            try {
                return expression.evaluate(new ScriptContext(vars, functions));
            } catch (JexlException e) {
                throw new UsageException("catalogue " + rule.file().getFileName() + ": " + where + ": "
                        + e.getMessage());
            }
        }

        private String text(Step s, String field) {
            JsonNode node = s.fields.get(field);
            if (node == null) {
                throw new UsageException(s.where + ": a " + s.kind + " step needs '" + field + "'");
            }
            if (!node.isArray()) {
                return node.asText();
            }
            int turn = turns.merge(node, 1, Integer::sum) - 1;
            return node.get(turn % node.size()).asText();
        }

        private int integer(Step s, String field) {
            return Math.toIntExact(number(value(s, field), s.where + "." + field));
        }

        private long number(Object value, String where) {
            if (!(value instanceof Number n)) {
                throw new UsageException("catalogue " + rule.file().getFileName() + ": " + where
                        + " must be a number, not " + value);
            }
            return n.longValue();
        }

        private LocalDate date(Step s, String field) {
            Object value = value(s, field);
            if (value != null && !(value instanceof LocalDate)) {
                throw new UsageException("catalogue " + rule.file().getFileName() + ": " + s.where + "." + field
                        + " must be a date (months_before(n)) or null, not " + value);
            }
            return (LocalDate) value;
        }

        private <T> T entity(Object value, Class<T> type, String where) {
            if (!type.isInstance(value)) {
                throw new UsageException("catalogue " + rule.file().getFileName() + ": " + where + " must be "
                        + type.getSimpleName().toLowerCase() + ", not " + value);
            }
            return type.cast(value);
        }
    }

    /** A run's names, with its functions as the top-level namespace. */
    private static final class ScriptContext extends MapContext implements JexlContext.NamespaceResolver {
        private final Functions functions;

        ScriptContext(Map<String, Object> vars, Functions functions) {
            super(vars);
            this.functions = functions;
        }

        @Override
        public Object resolveNamespace(String name) {
            return name == null ? functions : null;
        }
    }

    /** The functions a script may call: arithmetic helpers and the city's draws. */
    public static final class Functions {
        private final City city;

        Functions(City city) {
            this.city = city;
        }

        public long min(Number a, Number b) {
            return Math.min(a.longValue(), b.longValue());
        }

        public long max(Number a, Number b) {
            return Math.max(a.longValue(), b.longValue());
        }

        public LocalDate months_before(Number months) {
            return city.monthsBefore(Math.toIntExact(months.longValue()));
        }

        public LocalDate plus_months(LocalDate date, Number months) {
            return date.plusMonths(months.longValue());
        }

        public Person new_person() {
            return city.newPerson();
        }

        public Person any_person() {
            return city.anyPerson();
        }

        public Address any_dwelling() {
            return city.anyDwelling();
        }

        public Address any_other() {
            return city.anyOther();
        }
    }
}
