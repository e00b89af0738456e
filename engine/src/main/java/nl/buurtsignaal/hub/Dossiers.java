package nl.buurtsignaal.hub;

import nl.buurtsignaal.lake.Tables;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What the lake knows of the subjects of one as_of (contract section 9), held in memory for the
 * dossier page: the links between subjects (gold.subject_link) and the facts of addresses,
 * objects and companies from the silver registries, each fact with the delivery it came from.
 * No care data is among the tables read, and no raw identifier: persons are pseudonyms.
 */
final class Dossiers {
    /** The tables this index reads (besides audit.delivery for provenance). */
    static final List<String> READS = List.of(Tables.SUBJECT_LINK, Tables.SILVER_ADDRESS, Tables.SILVER_HOUSEHOLD,
            Tables.SILVER_ESTABLISHMENT, Tables.SILVER_COMPANY, Tables.SILVER_OFFICER, Tables.SILVER_TRANSFER,
            Tables.SILVER_ENFORCEMENT_CASE, Tables.bronze("woz_value"), Tables.AUDIT_DELIVERY);

    record Link(String fromType, String fromId, String toType, String toId, String link, LocalDate since) {
        String fromKey() {
            return key(fromType, fromId);
        }

        String toKey() {
            return key(toType, toId);
        }
    }

    record Fact(String name, Object value, String source, String delivery, String deliveredOn) {
    }

    record Delivery(String id, LocalDate on) {
    }

    record Address(String objectId, String usage, Integer floorArea, String buurtCode) {
    }

    record Company(LocalDate registeredOn, LocalDate deregisteredOn, long establishments, long active) {
    }

    record Dated(LocalDate date, String what) {
    }

    /** A subject's neighbourhood within two links: its nodes (with their distance), the links among them, and what was cut. */
    record Network(Map<String, Integer> nodes, List<Link> links, boolean beyondTwoLinks, int omitted) {
    }

    /** Reads one declared table's rows with Delta Kernel. */
    interface Reader {
        void read(String table, List<String> columns, Consumer<io.delta.kernel.data.Row> each);
    }

    static final Dossiers EMPTY = new Dossiers(null, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
            Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), 36, 24);

    final LocalDate asOf;
    private final Map<String, List<Link>> adjacency;
    private final Map<String, Address> addresses;
    private final Map<String, String> objectAddress;
    private final Map<String, Long> residents;
    private final Map<String, Integer> establishmentsAt;
    private final Map<String, String> companyAddress;
    private final Map<String, Company> companies;
    private final Map<String, List<String>> officers;
    private final Map<String, List<Dated>> transfers;
    private final Map<String, List<Dated>> cases;
    private final Map<String, long[]> woz;
    private final Map<String, Delivery> deliveries;
    private final int transferMonths;
    private final int enforcementMonths;

    private Dossiers(LocalDate asOf, Map<String, List<Link>> adjacency, Map<String, Address> addresses,
                     Map<String, String> objectAddress, Map<String, Long> residents, Map<String, Integer> establishmentsAt,
                     Map<String, String> companyAddress, Map<String, Company> companies, Map<String, List<String>> officers,
                     Map<String, List<Dated>> transfers, Map<String, List<Dated>> cases, Map<String, long[]> woz,
                     Map<String, Delivery> deliveries, int transferMonths, int enforcementMonths) {
        this.asOf = asOf;
        this.adjacency = adjacency;
        this.addresses = addresses;
        this.objectAddress = objectAddress;
        this.residents = residents;
        this.establishmentsAt = establishmentsAt;
        this.companyAddress = companyAddress;
        this.companies = companies;
        this.officers = officers;
        this.transfers = transfers;
        this.cases = cases;
        this.woz = woz;
        this.deliveries = deliveries;
        this.transferMonths = transferMonths;
        this.enforcementMonths = enforcementMonths;
    }

    static String key(String type, String id) {
        return type + "|" + id;
    }

    private static LocalDate date(io.delta.kernel.data.Row r, int i) {
        return r.isNullAt(i) ? null : LocalDate.ofEpochDay(r.getInt(i));
    }

    private static String text(io.delta.kernel.data.Row r, int i) {
        return r.isNullAt(i) ? null : r.getString(i);
    }

    /** The index of as_of from the lake's tables; tables that do not exist yet give no facts or links. */
    static Dossiers load(Reader reader, Set<String> present, LocalDate asOf, int transferMonths, int enforcementMonths) {
        if (asOf == null) {
            return EMPTY;
        }
        int day = (int) asOf.toEpochDay();
        Map<String, List<Link>> adjacency = new HashMap<>();
        if (present.contains(Tables.SUBJECT_LINK)) {
            Map<String, String> interned = new HashMap<>();
            reader.read(Tables.SUBJECT_LINK, List.of("as_of", "from_type", "from_id", "to_type", "to_id", "link", "since"), r -> {
                if (r.getInt(0) == day) {
                    Link l = new Link(r.getString(1), interned.computeIfAbsent(r.getString(2), s -> s), r.getString(3),
                            interned.computeIfAbsent(r.getString(4), s -> s), r.getString(5).intern(), date(r, 6));
                    adjacency.computeIfAbsent(l.fromKey(), k -> new ArrayList<>(2)).add(l);
                    adjacency.computeIfAbsent(l.toKey(), k -> new ArrayList<>(2)).add(l);
                }
            });
            Comparator<Link> order = Comparator.comparing(Link::link).thenComparing(Link::fromId).thenComparing(Link::toId);
            adjacency.values().forEach(list -> list.sort(order));
        }
        Map<String, Address> addresses = new HashMap<>();
        Map<String, String> objectAddress = new HashMap<>();
        if (present.contains(Tables.SILVER_ADDRESS)) {
            reader.read(Tables.SILVER_ADDRESS, List.of("as_of", "address_id", "object_id", "usage", "floor_area_m2", "buurt_code"), r -> {
                if (r.getInt(0) == day) {
                    String object = text(r, 2);
                    addresses.put(r.getString(1), new Address(object, text(r, 3), r.isNullAt(4) ? null : r.getInt(4), text(r, 5)));
                    if (object != null) {
                        objectAddress.merge(object, r.getString(1), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    }
                }
            });
        }
        Map<String, Long> residents = new HashMap<>();
        if (present.contains(Tables.SILVER_HOUSEHOLD)) {
            reader.read(Tables.SILVER_HOUSEHOLD, List.of("as_of", "address_id", "residents"), r -> {
                if (r.getInt(0) == day) {
                    residents.put(r.getString(1), r.getLong(2));
                }
            });
        }
        Map<String, Integer> establishmentsAt = new HashMap<>();
        Map<String, String> companyAddress = new HashMap<>();
        if (present.contains(Tables.SILVER_ESTABLISHMENT)) {
            reader.read(Tables.SILVER_ESTABLISHMENT, List.of("as_of", "kvk_number", "address_id", "is_active"), r -> {
                if (r.getInt(0) == day && !r.isNullAt(2) && !r.isNullAt(3) && r.getBoolean(3)) {
                    establishmentsAt.merge(r.getString(2), 1, Integer::sum);
                    companyAddress.merge(r.getString(1), r.getString(2), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            });
        }
        Map<String, Company> companies = new HashMap<>();
        if (present.contains(Tables.SILVER_COMPANY)) {
            reader.read(Tables.SILVER_COMPANY, List.of("as_of", "kvk_number", "registered_on", "deregistered_on", "establishments",
                    "active_establishments"), r -> {
                if (r.getInt(0) == day) {
                    companies.put(r.getString(1), new Company(date(r, 2), date(r, 3), r.getLong(4), r.getLong(5)));
                }
            });
        }
        Map<String, List<String>> officers = new HashMap<>();
        if (present.contains(Tables.SILVER_OFFICER)) {
            reader.read(Tables.SILVER_OFFICER, List.of("as_of", "kvk_number", "person_id", "valid_from", "valid_to"), r -> {
                LocalDate to = date(r, 4);
                if (r.getInt(0) == day && (to == null || to.isAfter(asOf))) {
                    officers.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
                }
            });
        }
        Map<String, List<Dated>> transfers = new HashMap<>();
        LocalDate transferFrom = asOf.minusMonths(transferMonths);
        if (present.contains(Tables.SILVER_TRANSFER)) {
            reader.read(Tables.SILVER_TRANSFER, List.of("as_of", "object_id", "transfer_date", "buyer_type", "price_eur",
                    "mortgage_registered"), r -> {
                LocalDate d = date(r, 2);
                if (r.getInt(0) == day && d != null && d.isAfter(transferFrom) && !d.isAfter(asOf)) {
                    String what = "to a " + text(r, 3) + (r.isNullAt(4) ? "" : " for EUR " + r.getLong(4))
                            + (!r.isNullAt(5) && !r.getBoolean(5) ? ", no mortgage" : "");
                    transfers.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new Dated(d, what));
                }
            });
        }
        Map<String, List<Dated>> cases = new HashMap<>();
        LocalDate casesFrom = asOf.minusMonths(enforcementMonths);
        if (present.contains(Tables.SILVER_ENFORCEMENT_CASE)) {
            reader.read(Tables.SILVER_ENFORCEMENT_CASE, List.of("as_of", "address_id", "opened_on", "case_type"), r -> {
                LocalDate d = date(r, 2);
                if (r.getInt(0) == day && !r.isNullAt(1) && d != null && d.isAfter(casesFrom) && !d.isAfter(asOf)) {
                    cases.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new Dated(d, text(r, 3)));
                }
            });
        }
        Map<String, long[]> woz = new HashMap<>();
        if (present.contains(Tables.bronze("woz_value"))) {
            reader.read(Tables.bronze("woz_value"), List.of("object_id", "reference_date", "value_eur"), r -> {
                LocalDate d = date(r, 1);
                if (d != null && !d.isAfter(asOf) && !r.isNullAt(2)) {
                    long[] known = woz.get(r.getString(0));
                    if (known == null || known[0] < d.toEpochDay()) {
                        woz.put(r.getString(0), new long[] {d.toEpochDay(), r.getLong(2)});
                    }
                }
            });
        }
        Map<String, Delivery> deliveries = new HashMap<>();
        if (present.contains(Tables.AUDIT_DELIVERY)) {
            reader.read(Tables.AUDIT_DELIVERY, List.of("source", "delivery_id", "status", "ingested_at"), r -> {
                if ("accepted".equals(r.getString(2))) {
                    LocalDate on = Reviews.micros(r.getLong(3)).atZone(java.time.ZoneOffset.UTC).toLocalDate();
                    deliveries.merge(r.getString(0), new Delivery(r.getString(1), on),
                            (a, b) -> a.on().isAfter(b.on()) ? a : b);
                }
            });
        }
        transfers.values().forEach(l -> l.sort(Comparator.comparing(Dated::date)));
        cases.values().forEach(l -> l.sort(Comparator.comparing(Dated::date)));
        return new Dossiers(asOf, adjacency, addresses, objectAddress, residents, establishmentsAt, companyAddress, companies,
                officers, transfers, cases, woz, deliveries, transferMonths, enforcementMonths);
    }

    /** Whether the lake knows this subject on as_of: an address, object or company of the registries, or a linked person. */
    boolean knows(String type, String id) {
        return switch (type) {
            case "address" -> addresses.containsKey(id);
            case "object" -> objectAddress.containsKey(id) || transfers.containsKey(id);
            case "company" -> companies.containsKey(id);
            case "person" -> adjacency.containsKey(key(type, id));
            default -> false;
        };
    }

    /** The address a subject is at, for its neighbourhood: an address itself, an object's address, a company's first active establishment. */
    String addressOf(String type, String id) {
        return switch (type) {
            case "address" -> id;
            case "object" -> objectAddress.get(id);
            case "company" -> companyAddress.get(id);
            default -> null;
        };
    }

    String buurtOf(String addressId) {
        Address a = addressId == null ? null : addresses.get(addressId);
        return a == null ? null : a.buurtCode();
    }

    private Fact fact(String name, Object value, String source) {
        Delivery d = deliveries.get(source);
        return new Fact(name, value, Tables.bronze(source), d == null ? null : d.id(), d == null ? null : d.on().toString());
    }

    /** A subject's facts, each naming the bronze table and the delivery behind it (contract section 9). */
    List<Fact> facts(String type, String id) {
        List<Fact> out = new ArrayList<>();
        switch (type) {
            case "address" -> {
                Address a = addresses.get(id);
                if (a != null) {
                    out.add(fact("use", a.usage(), "bag_address"));
                    out.add(fact("floor area (m2)", a.floorArea(), "bag_address"));
                    out.add(fact("object", a.objectId(), "bag_address"));
                    long n = residents.getOrDefault(id, 0L);
                    out.add(fact("registered residents", n, "brp_residence"));
                    out.add(fact("households", n > 0 ? 1 : 0, "brp_residence"));
                    if (a.objectId() != null) {
                        addWoz(out, a.objectId());
                        out.add(fact("transfers in " + transferMonths + " months", transfers.getOrDefault(a.objectId(), List.of()).size(),
                                "brk_transfer"));
                    }
                }
                out.add(fact("active establishments", establishmentsAt.getOrDefault(id, 0), "hr_establishment"));
                List<Dated> c = cases.getOrDefault(id, List.of());
                out.add(fact("enforcement cases in " + enforcementMonths + " months", c.size() + (c.isEmpty() ? ""
                        : " (" + String.join(", ", c.stream().map(x -> x.what() + " " + x.date()).toList()) + ")"), "enforcement_case"));
            }
            case "company" -> {
                Company c = companies.get(id);
                if (c != null) {
                    out.add(fact("establishments (active / all)", c.active() + " / " + c.establishments(), "hr_establishment"));
                    out.add(fact("registered on", String.valueOf(c.registeredOn()), "hr_establishment"));
                    if (c.registeredOn() != null) {
                        Period age = Period.between(c.registeredOn(), asOf);
                        out.add(fact("age", age.getYears() + " years " + age.getMonths() + " months", "hr_establishment"));
                    }
                    if (c.deregisteredOn() != null) {
                        out.add(fact("deregistered on", c.deregisteredOn().toString(), "hr_establishment"));
                    }
                }
                List<String> o = officers.getOrDefault(id, List.of());
                out.add(fact("officers", o.size(), "hr_officer"));
                out.add(fact("officer pseudonyms", String.join(", ", new LinkedHashSet<>(o)), "hr_officer"));
            }
            case "object" -> {
                String address = objectAddress.get(id);
                if (address != null) {
                    out.add(fact("address", address, "bag_address"));
                }
                addWoz(out, id);
                List<Dated> t = transfers.getOrDefault(id, List.of());
                out.add(fact("transfers in " + transferMonths + " months", t.size() + (t.isEmpty() ? ""
                        : " (" + String.join("; ", t.stream().map(x -> x.date() + " " + x.what()).toList()) + ")"), "brk_transfer"));
            }
            case "person" -> {
                // a person's facts are their links: counts only, the subjects themselves are in the network
                List<Link> links = adjacency.getOrDefault(key(type, id), List.of());
                out.add(fact("registered address", links.stream().filter(l -> l.link().equals("lives_at")).map(Link::toId).findFirst()
                        .orElse("none"), "brp_residence"));
                out.add(fact("companies as officer", links.stream().filter(l -> l.link().equals("officer_of")).count(), "hr_officer"));
                out.add(fact("objects bought in " + transferMonths + " months", links.stream()
                        .filter(l -> l.link().equals("owns") || l.link().equals("bought")).map(Link::toId).distinct().count(), "brk_transfer"));
            }
            default -> {
            }
        }
        return out;
    }

    private void addWoz(List<Fact> out, String objectId) {
        long[] w = woz.get(objectId);
        if (w != null) {
            out.add(fact("WOZ value (EUR, " + LocalDate.ofEpochDay(w[0]) + ")", w[1], "woz_value"));
        }
    }

    /** How many subjects within two links are counted at most, to say how many a capped network leaves out. */
    static final int MAX_COUNTED = 100_000;

    /**
     * The subjects within two links of a subject, breadth first (nearest first, then by link and
     * id), the first {@code maxNodes} of them (the subject included), the links among those, how
     * many within two links were left out, and whether anything lies beyond two links.
     */
    Network network(String type, String id, int maxNodes) {
        String start = key(type, id);
        Map<String, Integer> distance = new LinkedHashMap<>();
        distance.put(start, 0);
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
        boolean beyond = false;
        while (!queue.isEmpty() && distance.size() < MAX_COUNTED) {
            String node = queue.poll();
            int d = distance.get(node);
            for (Link l : adjacency.getOrDefault(node, List.of())) {
                String other = l.fromKey().equals(node) ? l.toKey() : l.fromKey();
                if (distance.containsKey(other)) {
                    continue;
                }
                if (d == 2) {
                    beyond = true;
                    break;
                }
                distance.put(other, d + 1);
                queue.add(other);
            }
        }
        Map<String, Integer> shown = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : distance.entrySet()) {
            if (shown.size() == maxNodes) {
                break;
            }
            shown.put(e.getKey(), e.getValue());
        }
        List<Link> links = new ArrayList<>();
        Set<Link> seen = new java.util.HashSet<>();
        for (String node : shown.keySet()) {
            for (Link l : adjacency.getOrDefault(node, List.of())) {
                if (shown.containsKey(l.fromKey()) && shown.containsKey(l.toKey()) && seen.add(l)) {
                    links.add(l);
                }
            }
        }
        return new Network(shown, links, beyond, distance.size() - shown.size());
    }

    private volatile Map<String, String[]> sortedIds;

    /** Up to {@code limit} ids of a subject type that start with {@code prefix}, in order: for picking a subject from the lake. */
    List<String> search(String type, String prefix, int limit) {
        Map<String, String[]> ids = sortedIds;
        if (ids == null) {
            ids = Map.of("address", addresses.keySet().stream().sorted().toArray(String[]::new),
                    "object", objectAddress.keySet().stream().sorted().toArray(String[]::new),
                    "company", companies.keySet().stream().sorted().toArray(String[]::new));
            sortedIds = ids;
        }
        String[] sorted = ids.getOrDefault(type, new String[0]);
        int at = java.util.Arrays.binarySearch(sorted, prefix);
        List<String> out = new ArrayList<>();
        for (int i = at >= 0 ? at : -at - 1; i < sorted.length && out.size() < limit && sorted[i].startsWith(prefix); i++) {
            out.add(sorted[i]);
        }
        return out;
    }

    /** How many links the index holds (for the hub's status). */
    int linkCount() {
        return adjacency.values().stream().mapToInt(List::size).sum() / 2;
    }

    /** The delivery of each source the facts name. */
    Map<String, Delivery> deliveries() {
        return new TreeMap<>(deliveries);
    }
}
