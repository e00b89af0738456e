package nl.buurtsignaal.generate;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.generate.DeliveryWriter.CsvDialect;
import nl.buurtsignaal.ingest.Pseudonymiser;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic city over real CBS neighbourhoods, written as a landing zone that
 * follows the data contract, with a realistic background and planted cases for every rule.
 *
 * <p>Everything is streamed: persons, addresses and companies are derived from their index (a
 * person's BSN is a function of its number), so memory does not grow with the city.
 * Background rates are rough Dutch figures: 2.1 persons per household (CBS), about 4 % of
 * dwellings without registered residents, one establishment per 9 residents (KvK), about 3.5 %
 * of dwellings sold per year (Kadaster), and about 10 % of residents with a social-domain
 * provision (CBS Monitor Sociaal Domein).
 *
 * <p>Enforcement outcomes follow a documented pattern, so that the models have something true to
 * learn (see {@link #violationProbability}): an inspection finds a violation more often at a
 * crowded dwelling, at an address bought without mortgage by a company in the three years before,
 * and at a non-residential address. In one wijk ({@link #DISPARITY_WIJK}) a disparity is planted on
 * purpose: its dwellings are small and crowded (student rooms, say), but there crowding does not
 * raise the chance of a violation, so a model that learns "crowded means violation" selects that
 * wijk more often than its inspections justify, and the fairness audit must say so. A city
 * generated without that wijk's gemeente has it in its largest wijk that is not a whole gemeente
 * instead ({@link #disparityWijk()}), or nowhere when there is none.
 */
public final class CityGenerator {
    /** A neighbourhood of the reference with its relative size. */
    public record Buurt(String code, double weight) {
        String gemeente() {
            return code.substring(2, 6);
        }
    }

    /** What the generator wrote. */
    public record Summary(long persons, long addresses, long establishments, Map<String, Long> rows, int plantedCases) {
    }

    public record Options(Path out, long persons, long seed, LocalDate asOf, boolean allParquet, long rowsPerFile,
                          int plantsPerRule, OutcomePattern pattern) {
        public Options(Path out, long persons, long seed, LocalDate asOf, boolean allParquet, long rowsPerFile, int plantsPerRule) {
            this(out, persons, seed, asOf, allParquet, rowsPerFile, plantsPerRule, OutcomePattern.CROWDING);
        }
    }

    /**
     * The law the enforcement outcomes follow ({@link #violationProbability}): {@code CROWDING}, the
     * demo's, where a crowded dwelling is more often in violation; {@code INVERSE_CROWDING}, the
     * same law with crowding's sign turned, to try the models on a pattern they were not built for.
     */
    public enum OutcomePattern { CROWDING, INVERSE_CROWDING }

    private static final String[] PROVISIONS = {"bijstand", "wmo_huishoudelijke_hulp", "wmo_begeleiding",
            "wmo_hulpmiddel", "jeugdhulp_ambulant", "jeugdhulp_verblijf", "jeugdbescherming", "schuldhulp"};
    private static final String[] PARTNERS = {"ISD", "Wmo-loket", "Jeugdteam", "Schuldhulpverlening"};
    private static final String[] STREETS = {"Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat",
            "Beatrixlaan", "Julianastraat", "Oranjelaan", "Emmastraat", "Wilhelminastraat", "Rembrandtlaan", "Zeemanlaan"};
    /** SBI codes with rough weights; the risk branches of the default list are about a tenth. */
    private static final String[] SBI = {"6202", "69.20", "4120", "8690", "7022", "4321", "8559", "5610", "4941",
            "7490", "8299", "9602", "4711", "4520", "5630", "6820", "4778", "9604", "4511", "7711"};
    private static final int[] SBI_WEIGHT = {14, 10, 10, 8, 10, 8, 6, 6, 6, 6, 6, 2, 1, 1, 1, 2, 1, 1, 1, 1};
    private static final String[] CASE_TYPES = {"inspection", "complaint_nuisance", "permit_violation", "environment",
            "complaint_drugs", "housing_fraud", "closure_13b", "bibob_refusal"};
    private static final int[] CASE_WEIGHT = {40, 30, 12, 10, 4, 3, 0, 1};
    /** The wijk with the planted disparity: crowded dwellings whose crowding predicts nothing there. */
    public static final String DISPARITY_WIJK = "WK040209";
    private static final String[] NON_RESIDENTIAL = {"winkelfunctie", "kantoorfunctie", "bijeenkomstfunctie",
            "industriefunctie", "logiesfunctie", "overige gebruiksfunctie"};

    private final Options options;
    private final List<Buurt> buurten;
    private final Catalogue catalogue;
    private final Pseudonymiser pseudonymiser;
    private final String keyId;
    private final Progress progress;
    private final SplittableRandom random;
    private final double[] cumulative;
    private final String disparityWijk;

    private final long dwellings;
    private final long others;
    private long nextPerson;
    private long nextAddress;
    private long nextKvk;
    private long nextEstablishment;
    private long nextTransfer;
    private long nextCase;
    private final Map<String, DeliveryWriter> writers = new LinkedHashMap<>();
    private final List<String[]> planted = new ArrayList<>();
    private final List<String[]> decoys = new ArrayList<>();
    private final List<PlantScript> scripts;
    private final Map<String, org.locationtech.jts.geom.Geometry> polygons;
    private final PlantScript.City city = new ScriptCity();

    public CityGenerator(Options options, List<Buurt> buurten, Catalogue catalogue, Pseudonymiser pseudonymiser, String keyId,
                         Progress progress) {
        this(options, buurten, Map.of(), catalogue, pseudonymiser, keyId, progress);
    }

    /** A city whose addresses' RD points lie in their buurt's polygon (RD New, by buurt code). */
    public CityGenerator(Options options, List<Buurt> buurten, Map<String, org.locationtech.jts.geom.Geometry> polygons,
                         Catalogue catalogue, Pseudonymiser pseudonymiser, String keyId, Progress progress) {
        if (options.persons() < 100) {
            throw new IllegalArgumentException("--persons must be at least 100");
        }
        this.options = options;
        this.buurten = buurten;
        this.catalogue = catalogue;
        this.scripts = scripts(catalogue);
        this.polygons = Map.copyOf(polygons);
        this.pseudonymiser = pseudonymiser;
        this.keyId = keyId;
        this.progress = progress;
        this.random = new SplittableRandom(options.seed());
        this.cumulative = new double[buurten.size()];
        double total = buurten.stream().mapToDouble(Buurt::weight).sum();
        double running = 0;
        for (int i = 0; i < buurten.size(); i++) {
            running += buurten.get(i).weight() / total;
            cumulative[i] = running;
        }
        this.disparityWijk = disparityWijkOf(buurten);
        this.dwellings = Math.round(options.persons() / 2.1 * 1.04);
        this.others = Math.max(10, Math.round(dwellings * 0.08));
    }

    public Summary generate() {
        LocalDate asOf = options.asOf();
        String deliveryId = asOf.plusDays(1).toString();
        String extractedAt = deliveryId + "T02:00:00Z";
        boolean parquetOnly = options.allParquet();
        open("bag_address", deliveryId, extractedAt, parquetOnly ? null : CsvDialect.DEFAULT, false);
        open("brp_residence", deliveryId, extractedAt, null, false);
        open("hr_establishment", deliveryId, extractedAt, parquetOnly ? null : CsvDialect.DUTCH, false);
        open("hr_officer", deliveryId, extractedAt, null, false);
        open("woz_value", deliveryId, extractedAt, null, false);
        open("brk_transfer", deliveryId, extractedAt, null, false);
        open("enforcement_case", deliveryId, extractedAt, parquetOnly ? null : CsvDialect.DUTCH, false);
        open("care_provision", deliveryId, extractedAt, null, true);

        progress.stages(3);
        progress.step("addresses, residents, transfers, cases and provisions (" + (dwellings + others) + " addresses)");
        nextAddress = dwellings + others; // planted cases get addresses after the background's
        for (long i = 0; i < dwellings + others; i++) {
            background(i);
            if (i > 0 && i % 500_000 == 0) {
                progress.info("  " + i + " addresses, " + nextPerson + " persons");
            }
        }
        progress.step("establishments and officers");
        long establishments = Math.round(options.persons() / 9.0);
        for (long e = 0; e < establishments; e++) {
            backgroundCompany();
        }
        progress.step("planted cases (" + options.plantsPerRule() + " per rule)");
        for (int k = 0; k < options.plantsPerRule(); k++) {
            plantAll();
        }
        // after every other row, so that a city of the same seed is the same city with the clusters added
        for (int k = 0; k < options.plantsPerRule(); k++) {
            plantCluster();
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        writers.forEach((name, w) -> {
            w.close();
            rows.put(name, w.rows());
        });
        writePlanted();
        return new Summary(nextPerson, nextAddress, nextEstablishment, rows, planted.size());
    }

    private void open(String source, String deliveryId, String extractedAt, CsvDialect csv, boolean pseudonymised) {
        writers.put(source, new DeliveryWriter(options.out(), source, deliveryId, extractedAt, csv, pseudonymised,
                keyId, options.rowsPerFile()));
    }

    private DeliveryWriter w(String source) {
        return writers.get(source);
    }

    // ---- identifiers -------------------------------------------------------------------------

    /** The BSN of person number i: unique per i and passing the eleven-test. */
    public static String bsnOf(long i) {
        for (long j = 0; j < 7; j++) {
            long base = 10_000_000L + i * 7 + j;
            String d = Long.toString(base);
            int sum = 0;
            for (int k = 0; k < 8; k++) {
                sum += (9 - k) * (d.charAt(k) - '0');
            }
            int check = sum % 11;
            if (check < 10) {
                return d + check;
            }
        }
        throw new IllegalStateException("no BSN for person " + i);
    }

    private Buurt buurtOf(long addressIndex) {
        // Addresses are laid out in blocks per buurt, so the buurt of an index needs no table.
        long count = addressIndex < dwellings ? dwellings : others;
        long offset = addressIndex < dwellings ? addressIndex : addressIndex - dwellings;
        double position = (offset + 0.5) / count;
        if (addressIndex >= dwellings + others) {
            position = new SplittableRandom(options.seed() ^ addressIndex).nextDouble();
        }
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < position) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return buurten.get(lo);
    }

    private String addressId(long index) {
        return buurtOf(index).gemeente() + "20" + String.format("%010d", index + 1);
    }

    private String objectId(long index) {
        return buurtOf(index).gemeente() + "01" + String.format("%010d", index + 1);
    }

    private String kvk(long n) {
        return String.format("%08d", 30_000_000L + n);
    }

    private LocalDate daysBefore(int maxDays) {
        return options.asOf().minusDays(random.nextInt(maxDays));
    }

    private LocalDate monthsBefore(int months) {
        return options.asOf().minusMonths(months);
    }

    // ---- background ---------------------------------------------------------------------------

    private void background(long index) {
        boolean dwelling = index < dwellings;
        boolean disparity = dwelling && inDisparityWijk(index);
        String usage = dwelling ? "woonfunctie" : NON_RESIDENTIAL[random.nextInt(NON_RESIDENTIAL.length)];
        int floor = dwelling ? (int) Math.max(disparity ? 18 : 28,
                Math.round(Math.exp((disparity ? 3.9 : 4.5) + 0.35 * random.nextGaussian())))
                : 40 + random.nextInt(800);
        int household = 0;
        writeAddress(index, usage, floor);
        writeWoz(index, floor);
        if (dwelling && random.nextDouble() >= 0.04 && nextPerson < options.persons()) {
            int size = householdSize() + (disparity ? 1 : 0);
            household = size;
            List<String> members = new ArrayList<>();
            LocalDate movedIn = daysBefore(365 * 30);
            for (int m = 0; m < size && nextPerson < options.persons(); m++) {
                String bsn = bsnOf(nextPerson++);
                members.add(bsn);
                LocalDate from = m < 2 ? movedIn : movedIn.plusDays(random.nextInt(3000));
                if (from.isAfter(options.asOf())) {
                    from = options.asOf().minusDays(1);
                }
                int birthYear = m < 2 ? options.asOf().getYear() - 25 - random.nextInt(60)
                        : options.asOf().getYear() - random.nextInt(18);
                if (random.nextDouble() < 0.3) {
                    long previous = random.nextLong(dwellings);
                    LocalDate earlier = from.minusDays(365 + random.nextInt(3650));
                    w("brp_residence").write(bsn, earlier, from, addressId(previous), birthYear, "resident");
                }
                w("brp_residence").write(bsn, from, null, addressId(index), birthYear, "resident");
            }
            care(members);
            if (random.nextDouble() < 0.05) {
                // a former resident who left: emigrated, deceased or vertrokken onbekend waarheen
                String bsn = bsnOf(nextPerson++);
                String status = new String[]{"emigrated", "deceased", "vow"}[random.nextInt(3)];
                LocalDate to = daysBefore(365 * 10);
                w("brp_residence").write(bsn, to.minusDays(200 + random.nextInt(5000)), to, addressId(index),
                        options.asOf().getYear() - 20 - random.nextInt(70), status);
            }
        }
        int transfers = poisson(dwelling ? 0.35 : 0.2);
        LocalDate date = options.asOf().minusDays(3650);
        long price = 150_000 + floor * 3_000L;
        List<LocalDate> cashCompanyPurchases = new ArrayList<>();
        for (int t = 0; t < transfers; t++) {
            date = date.plusDays(400 + random.nextInt(Math.max(1, 3650 / Math.max(1, transfers))));
            if (date.isAfter(options.asOf())) {
                break;
            }
            boolean company = random.nextDouble() < (dwelling ? 0.08 : 0.5);
            price = Math.round(price * (0.97 + random.nextDouble() * 0.2));
            String buyer = company ? kvk(random.nextLong(Math.max(1, options.persons() / 9)))
                    : bsnOf(random.nextLong(options.persons()));
            boolean mortgage = random.nextDouble() < (company ? 0.5 : 0.85);
            writeTransfer(index, date, company, buyer, price, mortgage);
            if (company && !mortgage) {
                cashCompanyPurchases.add(date);
            }
        }
        // Inspections follow complaints, and complaints follow what neighbours see: crowded
        // dwellings and company-owned ones get more cases (the labels are a selected sample).
        double m2PerResident = household == 0 ? floor : floor / (double) household;
        boolean crowded = household >= 3 && m2PerResident < 20;
        int cases = poisson(0.2 + (crowded ? 0.5 : 0) + (cashCompanyPurchases.isEmpty() ? 0 : 0.5));
        for (int c = 0; c < cases; c++) {
            String type = weighted(CASE_TYPES, CASE_WEIGHT);
            LocalDate opened = daysBefore(365 * 5);
            boolean cash = cashCompanyPurchases.stream()
                    .anyMatch(d -> !d.isAfter(opened) && d.isAfter(opened.minusMonths(36)));
            writeCase(addressId(index), opened, type,
                    violationProbability(dwelling, household, m2PerResident, cash, disparity, options.pattern()));
        }
    }

    /**
     * The documented pattern of the synthetic enforcement outcomes: the chance that a closed case
     * found a violation, from the address's facts when the case was opened.
     * logit p = -2.2 + 2.2 [m² per resident < 20, at least 3 residents] + 0.5 (residents - 2, when more)
     * + 2.2 [bought without mortgage by a company in the 36 months before] + 1.0 [not a dwelling].
     * In the disparity wijk crowding adds nothing. Under {@link OutcomePattern#INVERSE_CROWDING} the
     * crowding terms are subtracted instead of added, and 2.2 added to every address outside the
     * disparity wijk. (Residents are counted when the case is
     * written, so a resident who moved in after the case opened can blur the pattern a little.)
     */
    static double violationProbability(boolean dwelling, int residents, double m2PerResident, boolean cashCompany,
                                       boolean disparityWijk, OutcomePattern pattern) {
        double logit = -2.2;
        if (!disparityWijk) {
            double crowding = (residents >= 3 && m2PerResident < 20 ? 2.2 : 0) + 0.5 * Math.max(0, residents - 2);
            // turned: the uncrowded are then as often in violation as the crowded are in the demo
            logit += pattern == OutcomePattern.INVERSE_CROWDING ? 2.2 - crowding : crowding;
        }
        logit += (cashCompany ? 2.2 : 0) + (dwelling ? 0 : 1.0);
        return 1 / (1 + Math.exp(-logit));
    }

    private boolean inDisparityWijk(long addressIndex) {
        return wijkOf(buurtOf(addressIndex)).equals(disparityWijk);
    }

    /** The wijk with the planted disparity (see the class comment), or null for none. */
    public String disparityWijk() {
        return disparityWijk;
    }

    private static String wijkOf(Buurt buurt) {
        return "WK" + buurt.code().substring(2, 8);
    }

    private static String disparityWijkOf(List<Buurt> buurten) {
        Map<String, Long> perWijk = new java.util.TreeMap<>();
        buurten.forEach(b -> perWijk.merge(wijkOf(b), 1L, Long::sum));
        if (perWijk.containsKey(DISPARITY_WIJK)) {
            return DISPARITY_WIJK;
        }
        // else the largest wijk that is not a whole gemeente (the first in code order among equals)
        Map<String, Long> wijkenPerGemeente = new java.util.TreeMap<>();
        perWijk.keySet().forEach(w -> wijkenPerGemeente.merge(w.substring(2, 6), 1L, Long::sum));
        return perWijk.entrySet().stream().filter(w -> wijkenPerGemeente.get(w.getKey().substring(2, 6)) > 1)
                .max(Map.Entry.<String, Long>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse(null);
    }

    private int householdSize() {
        double u = random.nextDouble();
        // CBS household sizes: 39 % one person, 33 % two, 12 % three, 11 % four, 5 % five or more.
        if (u < 0.39) {
            return 1;
        } else if (u < 0.72) {
            return 2;
        } else if (u < 0.84) {
            return 3;
        } else if (u < 0.95) {
            return 4;
        }
        return 5 + random.nextInt(2);
    }

    private void care(List<String> members) {
        double u = random.nextDouble();
        if (u >= 0.14) {
            return;
        }
        boolean stacked = u < 0.03;
        for (String bsn : members) {
            if (!stacked && random.nextDouble() > 0.6) {
                continue;
            }
            int n = stacked ? 1 + random.nextInt(2) : 1;
            for (int k = 0; k < n; k++) {
                String provision = PROVISIONS[random.nextInt(PROVISIONS.length)];
                LocalDate from = daysBefore(365 * 4);
                LocalDate to = random.nextDouble() < 0.7 ? null : from.plusDays(30 + random.nextInt(900));
                w("care_provision").write(pseudonymiser.person(bsn), provision, from, to,
                        PARTNERS[random.nextInt(PARTNERS.length)]);
            }
        }
    }

    private void backgroundCompany() {
        long number = nextKvk++;
        boolean atHome = random.nextDouble() < 0.55;
        long address = atHome ? random.nextLong(dwellings) : dwellings + random.nextLong(others);
        String sbi = weighted(SBI, SBI_WEIGHT);
        LocalDate registered = daysBefore(365 * 25);
        LocalDate deregistered = random.nextDouble() < 0.12
                ? registered.plusDays(60 + random.nextInt(3000)) : null;
        if (deregistered != null && deregistered.isAfter(options.asOf())) {
            deregistered = null;
        }
        String legalForm = atHome ? (random.nextBoolean() ? "eenmanszaak" : "vof") : (random.nextBoolean() ? "bv" : "eenmanszaak");
        writeEstablishment(kvk(number), addressId(address), sbi, legalForm, registered, deregistered);
        String role = legalForm.equals("bv") ? "bestuurder" : legalForm.equals("vof") ? "vennoot" : "eigenaar";
        w("hr_officer").write(kvk(number), bsnOf(random.nextLong(options.persons())), role, registered, deregistered);
    }

    // ---- planted cases, one of each rule per call ----------------------------------------------

    /**
     * One planted case per rule, as the rule's own catalogue file declares it ({@code plant:},
     * run by {@link PlantScript}), each just inside the rule's thresholds and windows as the
     * catalogue sets them (its parameters, with the configuration's overrides), so that a changed
     * threshold moves the planted case with it rather than silently stop it firing; then the
     * rules' decoys, built to sit just outside.
     */
    private void plantAll() {
        for (PlantScript script : scripts) {
            plant(script.rule().id(), script.rule().subjectType(), script.plant(city));
        }
        for (PlantScript script : scripts) {
            if (script.hasDecoy()) {
                decoy(script.rule().id(), script.rule().subjectType(), script.plantDecoy(city));
            }
        }
    }

    /** The rules' planting scripts in their declared order (then by file); rules without one plant nothing. */
    private static List<PlantScript> scripts(Catalogue catalogue) {
        return catalogue.rules().stream().map(PlantScript::of).filter(java.util.Objects::nonNull)
                .sorted(java.util.Comparator.comparingInt(PlantScript::order)
                        .thenComparing(s -> s.rule().file().getFileName().toString()))
                .toList();
    }

    /** The generator's rows and draws, as a planting script sees them. */
    private final class ScriptCity implements PlantScript.City {
        @Override
        public PlantScript.Address newAddress(String usage, int floorM2) {
            return new PlantScript.Address(CityGenerator.this.newAddress(usage, floorM2));
        }

        @Override
        public PlantScript.Person newPerson() {
            return new PlantScript.Person(bsnOf(nextPerson++));
        }

        @Override
        public PlantScript.Person anyPerson() {
            return new PlantScript.Person(bsnOf(random.nextLong(options.persons())));
        }

        @Override
        public PlantScript.Address anyDwelling() {
            return new PlantScript.Address(random.nextLong(dwellings));
        }

        @Override
        public PlantScript.Address anyOther() {
            return new PlantScript.Address(dwellings + random.nextLong(others));
        }

        @Override
        public PlantScript.Company newCompany() {
            return new PlantScript.Company(kvk(nextKvk++));
        }

        @Override
        public LocalDate monthsBefore(int months) {
            return CityGenerator.this.monthsBefore(months);
        }

        @Override
        public void residence(PlantScript.Person person, LocalDate from, LocalDate to, PlantScript.Address address,
                              int born, String status) {
            w("brp_residence").write(person.bsn(), from, to, addressId(address.index()), born, status);
        }

        @Override
        public void establishment(PlantScript.Company company, PlantScript.Address at, String sbi, String form,
                                  LocalDate registered, LocalDate gone) {
            writeEstablishment(company.kvk(), addressId(at.index()), sbi, form, registered, gone);
        }

        @Override
        public void officer(PlantScript.Company company, PlantScript.Person officer, String role, LocalDate from,
                            LocalDate to) {
            w("hr_officer").write(company.kvk(), officer.bsn(), role, from, to);
        }

        @Override
        public void transfer(PlantScript.Address object, LocalDate on, Object buyer, long price, boolean mortgage) {
            boolean company = buyer instanceof PlantScript.Company;
            String id = company ? ((PlantScript.Company) buyer).kvk() : ((PlantScript.Person) buyer).bsn();
            writeTransfer(object.index(), on, company, id, price, mortgage);
        }

        @Override
        public void enforcementCase(PlantScript.Address address, LocalDate opened, String type) {
            writeCase(addressId(address.index()), opened, type);
        }

        @Override
        public String subjectId(Object entity, String subjectType) {
            if (entity instanceof PlantScript.Address a && subjectType.equals("address")) {
                return addressId(a.index());
            }
            if (entity instanceof PlantScript.Address a && subjectType.equals("object")) {
                return objectId(a.index());
            }
            if (entity instanceof PlantScript.Person p && subjectType.equals("person")) {
                return pseudonymiser.person(p.bsn());
            }
            if (entity instanceof PlantScript.Company c && subjectType.equals("company")) {
                return c.kvk();
            }
            throw new nl.buurtsignaal.base.UsageException("a planted subject " + entity
                    + " cannot be a subject of type " + subjectType);
        }
    }

    /**
     * A linked cluster for the hub's dossiers (contract section 9): a crowded dwelling where a
     * company is registered, whose officer is a straw man of other companies, one of which bought
     * a dwelling for cash soon after it was registered. Three rules fire on three subjects that
     * only the links (registered_at, officer_of, owns) bring together.
     */
    private void plantCluster() {
        Set<String> ids = catalogue.rules().stream().map(e -> e.id()).collect(java.util.stream.Collectors.toSet());
        if (!ids.containsAll(List.of("U-ADDR-OVERCROWDED", "U-PERSON-STRAWMAN", "U-OBJ-CASH-COMPANY"))) {
            return; // a catalogue without these three rules has no such cluster to link
        }
        int residents = p("U-ADDR-OVERCROWDED", "min_residents") + 1;
        long crowded = newAddress("woonfunctie", Math.min(45, residents * p("U-ADDR-OVERCROWDED", "max_m2_per_resident") - 2));
        for (int p = 0; p < residents; p++) {
            w("brp_residence").write(bsnOf(nextPerson++), monthsBefore(8 + p), null, addressId(crowded), 1985 + p, "resident");
        }
        plant("U-ADDR-OVERCROWDED", "address", addressId(crowded));

        String strawman = bsnOf(nextPerson++);
        long home = newAddress("woonfunctie", 65);
        w("brp_residence").write(strawman, monthsBefore(40), null, addressId(home), 1996, "resident");
        int companies = Math.max(4, p("U-PERSON-STRAWMAN", "min_companies"));
        int shortLived = p("U-PERSON-STRAWMAN", "min_short_lived");
        int strawWindow = p("U-PERSON-STRAWMAN", "window_months");
        int strawLife = Math.min(8, p("U-PERSON-STRAWMAN", "lifetime_months"));
        int bought = Math.min(6, p("U-OBJ-CASH-COMPANY", "window_months") - 1);
        for (int c = 0; c < companies; c++) {
            String company = kvk(nextKvk++);
            if (c == 0) {
                // the company at the crowded dwelling: a nail studio, active
                writeEstablishment(company, addressId(crowded), "96.02.2", "eenmanszaak", monthsBefore(14), null);
                w("hr_officer").write(company, strawman, "eigenaar", monthsBefore(14), null);
            } else if (c == companies - 1) {
                // the buyer: registered a few months before it bought a dwelling without a mortgage
                LocalDate registered = monthsBefore(bought + Math.min(4, p("U-OBJ-CASH-COMPANY", "max_company_age_months") - 1));
                writeEstablishment(company, addressId(dwellings + random.nextLong(others)), "6810", "bv", registered, null);
                w("hr_officer").write(company, strawman, "bestuurder", registered, null);
                long object = newAddress("woonfunctie", 95);
                writeTransfer(object, monthsBefore(bought), true, company, 465_000, false);
                plant("U-OBJ-CASH-COMPANY", "object", objectId(object));
            } else {
                LocalDate registered = monthsBefore(Math.max(12, strawWindow - 6 - 5 * c));
                LocalDate gone = c <= shortLived ? registered.plusMonths(strawLife) : null;
                writeEstablishment(company, addressId(dwellings + random.nextLong(others)), "4941", "bv", registered, gone);
                w("hr_officer").write(company, strawman, "bestuurder", registered, gone);
            }
        }
        plant("U-PERSON-STRAWMAN", "person", pseudonymiser.person(strawman));
    }

    /** A rule's parameter as the catalogue sets it (file default, or the configuration's override). */
    private int p(String rule, String name) {
        Object value = catalogue.entries().stream().filter(e -> e.id().equals(rule)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the catalogue has no rule " + rule + " to plant"))
                .parameters().get(name);
        if (!(value instanceof Number number)) {
            throw new IllegalStateException("rule " + rule + " has no numeric parameter " + name + " to plant with");
        }
        return number.intValue();
    }

    private long newAddress(String usage, int floor) {
        long index = nextAddress++;
        writeAddress(index, usage, floor);
        writeWoz(index, floor);
        return index;
    }

    private void plant(String rule, String subjectType, String subjectId) {
        planted.add(new String[]{rule, subjectType, subjectId});
    }

    /** A case built to sit just outside a rule: listed in _decoys.csv, it must not fire. */
    private void decoy(String rule, String subjectType, String subjectId) {
        decoys.add(new String[]{rule, subjectType, subjectId});
    }

    private void writePlanted() {
        writeCases(options.out().resolve("_planted.csv"), planted);
        writeCases(options.out().resolve("_decoys.csv"), decoys);
    }

    private static void writeCases(Path file, List<String[]> cases) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("rule_id,subject_type,subject_id\n");
            for (String[] p : cases) {
                out.write(String.join(",", p) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- rows ------------------------------------------------------------------------------------

    private void writeAddress(long index, String usage, int floor) {
        Buurt buurt = buurtOf(index);
        String postcode = (1000 + random.nextInt(9000)) + "" + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26));
        String letter = random.nextDouble() < 0.1 ? String.valueOf((char) ('A' + random.nextInt(4))) : null;
        random.nextDouble(); // the draws of the point before the city knew its polygons: the other values stay the city's
        random.nextDouble();
        double[] point = pointIn(buurt, index);
        double x = point[0];
        double y = point[1];
        w("bag_address").write(addressId(index), objectId(index), postcode, 1 + random.nextInt(300), letter, null,
                STREETS[random.nextInt(STREETS.length)], "Plaats " + buurt.gemeente(), usage, floor, buurt.code(),
                Math.round(x * 10) / 10.0, Math.round(y * 10) / 10.0);
    }

    /**
     * A point of the address in its buurt's polygon (RD New), drawn from a generator of its own per
     * address so that the rest of the city does not depend on the polygons; without a polygon, a
     * point in a box east of Utrecht as before.
     */
    private double[] pointIn(Buurt buurt, long index) {
        SplittableRandom own = new SplittableRandom(options.seed() * 31 + index);
        org.locationtech.jts.geom.Geometry polygon = polygons.get(buurt.code());
        if (polygon == null) {
            return new double[]{130_000 + own.nextDouble() * 15_000, 460_000 + own.nextDouble() * 20_000};
        }
        org.locationtech.jts.geom.Envelope box = polygon.getEnvelopeInternal();
        org.locationtech.jts.geom.GeometryFactory factory = polygon.getFactory();
        for (int attempt = 0; attempt < 200; attempt++) {
            double x = Math.round((box.getMinX() + own.nextDouble() * box.getWidth()) * 10) / 10.0;
            double y = Math.round((box.getMinY() + own.nextDouble() * box.getHeight()) * 10) / 10.0;
            if (polygon.contains(factory.createPoint(new org.locationtech.jts.geom.Coordinate(x, y)))) {
                return new double[]{x, y};
            }
        }
        org.locationtech.jts.geom.Point inside = polygon.getInteriorPoint();
        return new double[]{inside.getX(), inside.getY()};
    }

    private void writeWoz(long index, int floor) {
        long value = 120_000 + floor * 3_100L + random.nextInt(60_000);
        for (int year = options.asOf().getYear() - 2; year <= options.asOf().getYear(); year++) {
            w("woz_value").write(objectId(index), LocalDate.of(year, 1, 1), value);
            value = Math.round(value * 1.06);
        }
    }

    private void writeTransfer(long index, LocalDate date, boolean company, String buyer, long price, boolean mortgage) {
        w("brk_transfer").write(String.format("T%011d", ++nextTransfer), objectId(index), date,
                company ? "company" : "person", buyer, price, mortgage);
    }

    private void writeEstablishment(String kvk, String address, String sbi, String legalForm, LocalDate registered,
                                    LocalDate deregistered) {
        nextEstablishment++;
        w("hr_establishment").write(String.format("%012d", 100_000_000_000L + nextEstablishment), kvk, address, sbi,
                "Onderneming " + kvk.substring(4), legalForm, registered, deregistered);
    }

    private void writeCase(String address, LocalDate opened, String type) {
        writeCase(address, opened, type, 0.5);
    }

    /** A case; once closed, it found a violation with the given probability. */
    private void writeCase(String address, LocalDate opened, String type, double violation) {
        LocalDate closed = random.nextDouble() < 0.7 ? opened.plusDays(20 + random.nextInt(200)) : null;
        if (closed != null && closed.isAfter(options.asOf())) {
            closed = null;
        }
        String outcome = closed == null ? "pending"
                : random.nextDouble() < violation ? (random.nextBoolean() ? "warning" : "penalty") : "no_violation";
        if (type.equals("closure_13b")) {
            outcome = "closure";
        } else if (type.equals("bibob_refusal")) {
            outcome = "refusal";
        }
        w("enforcement_case").write(String.format("Z%08d", ++nextCase), address, null, opened, closed, type, outcome);
    }

    private int poisson(double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = random.nextDouble();
        while (p > l) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }

    private String weighted(String[] values, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < values.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }
}
