package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.base.PrivateFiles;
import nl.buurtsignaal.base.Hashing;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.base.Progress;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.generate.CityGenerator;
import nl.buurtsignaal.ingest.KeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a deterministic synthetic city as a landing zone that follows the data contract,",
                "with planted cases for every rule (listed in <out>/_planted.csv).",
                "Synthetic only: its key is derived from the seed and is no secret."})
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of unexpected failures.")
    void setVerbose(boolean value) {
        Main.ConfigOptions.verbose = value;
    }

    public static final String INFO_FILE = "_generated.json";
    public static final String KEY_FILE = "_key.txt";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The landing zone to write (must be empty or absent).")
    Path out;

    @Option(names = "--persons", required = true, paramLabel = "N", description = "Residents of the city (at least 100).")
    long persons;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD", description = "The reference date the city is built around.")
    LocalDate asOf;

    @Option(names = "--all-parquet", description = "Write every delivery as parquet (default: bag_address, hr_establishment and enforcement_case as csv).")
    boolean allParquet;

    @Option(names = "--plants", defaultValue = "3", paramLabel = "K", description = "Planted cases per rule (default: ${DEFAULT-VALUE}).")
    int plants;

    @Option(names = "--rows-per-file", defaultValue = "1000000", paramLabel = "N", description = "Rows per data file (default: ${DEFAULT-VALUE}).")
    long rowsPerFile;

    @Option(names = "--conf", paramLabel = "FILE", description = "A YAML file whose settings override conf/buurtsignaal.yaml.")
    Path conf;

    @Option(names = "--outcome-pattern", defaultValue = "crowding", paramLabel = "PATTERN",
            description = "The law of the enforcement outcomes: crowding (the demo's: crowded dwellings more often in violation) "
                    + "or inverse-crowding (crowding's sign turned, to try the models on another city; default: ${DEFAULT-VALUE}).")
    String outcomePattern;

    @Option(names = "--gemeente", split = ",", paramLabel = "CODE",
            description = "Only these gemeenten of the reference (GM0534,GM1525); default all of them.")
    List<String> gemeenten = List.of();

    @Override
    public Integer call() throws IOException {
        if (persons < 100) {
            throw new UsageException("--persons must be at least 100");
        }
        if (plants < 1 || rowsPerFile < 1) {
            throw new UsageException("--plants and --rows-per-file must be at least 1");
        }
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("output folder is not empty: " + out);
                }
            }
        }
        gemeenten = gemeenten.stream().map(g -> g.trim().toUpperCase(java.util.Locale.ROOT)).toList();
        for (String gemeente : gemeenten) {
            if (!gemeente.matches("GM\\d{4}")) {
                throw new UsageException("--gemeente takes CBS codes such as GM0534, not " + gemeente);
            }
        }
        CityGenerator.OutcomePattern pattern = switch (outcomePattern) {
            case "crowding" -> CityGenerator.OutcomePattern.CROWDING;
            case "inverse-crowding" -> CityGenerator.OutcomePattern.INVERSE_CROWDING;
            default -> throw new UsageException("--outcome-pattern is crowding or inverse-crowding, not " + outcomePattern);
        };
        EngineConfig config = EngineConfig.load(EngineConfig.defaultConfDir(), conf, List.of());
        Progress progress = Progress.stderr("generate");
        CityGenerator.Summary summary = writeCity(new CityGenerator.Options(out, persons, seed, asOf, allParquet,
                rowsPerFile, plants, pattern), gemeenten, config, progress);
        progress.info("wrote " + summary.rows() + " rows, " + summary.plantedCases() + " planted cases, to " + out);
        return Main.OK;
    }

    /**
     * Writes the city, its synthetic key and its {@value #INFO_FILE} into an empty folder; its
     * neighbourhoods are those of the reference in the given gemeenten (all when none are given).
     */
    public static CityGenerator.Summary writeCity(CityGenerator.Options options, List<String> gemeenten, EngineConfig config,
                                           Progress progress) throws IOException {
        List<CityGenerator.Buurt> buurten = readBuurten(config.resolve(config.settings().referenceBuurten()),
                options.seed(), gemeenten);
        Files.createDirectories(options.out());
        Path keyFile = options.out().resolve(KEY_FILE);
        writeSyntheticKey(keyFile, options.seed());
        KeyFile keys = KeyFile.read(keyFile);
        CityGenerator generator = new CityGenerator(options, buurten, polygonsOf(buurten, config),
                nl.buurtsignaal.config.Catalogue.load(config),
                keys.currentPseudonymiser(), keys.currentKeyId(), progress);
        CityGenerator.Summary summary = generator.generate();
        ObjectNode info = Json.MAPPER.createObjectNode();
        info.put("as_of", options.asOf().toString());
        info.put("persons", options.persons());
        info.put("seed", options.seed());
        if (!gemeenten.isEmpty()) {
            gemeenten.forEach(info.putArray("gemeenten")::add);
        }
        if (generator.disparityWijk() != null) {
            info.put("disparity_wijk", generator.disparityWijk());
        }
        info.put("key_file", KEY_FILE);
        info.put("note", "Synthetic data made by 'buurtsignaal generate'. The key is derived from the seed: no secret.");
        Json.PRETTY.writeValue(options.out().resolve(INFO_FILE).toFile(), info);
        return summary;
    }

    /**
     * The buurten's polygons, from the first classification of conf/areas/ placed by delivered code
     * that holds every buurt of the city (the CBS vintage its codes are of), so that an address's
     * point lies in the buurt it is coded in; a buurt without a polygon keeps a point as before.
     */
    static java.util.Map<String, org.locationtech.jts.geom.Geometry> polygonsOf(List<CityGenerator.Buurt> buurten,
                                                                               EngineConfig config) {
        List<String> codes = buurten.stream().map(CityGenerator.Buurt::code).toList();
        for (nl.buurtsignaal.areas.Classification c : nl.buurtsignaal.areas.Classification.all(config).values()) {
            java.util.Set<String> areas = new java.util.HashSet<>();
            c.areas().forEach(a -> areas.add(a.code()));
            if (c.placement() == nl.buurtsignaal.areas.Classification.Placement.DELIVERED_CODE && areas.containsAll(codes)) {
                // a buurt without a polygon of its own: somewhere in its gemeente's
                java.util.Map<String, org.locationtech.jts.geom.Geometry> polygons = new java.util.HashMap<>(c.geometry());
                for (nl.buurtsignaal.areas.Classification.Area a : c.areas()) {
                    if (!polygons.containsKey(a.code())) {
                        List<org.locationtech.jts.geom.Geometry> gemeente = c.areas().stream()
                                .filter(o -> o.gemeenteCode().equals(a.gemeenteCode()) && c.geometry().containsKey(o.code()))
                                .map(o -> c.geometry().get(o.code())).toList();
                        if (!gemeente.isEmpty()) {
                            polygons.put(a.code(), org.locationtech.jts.operation.union.UnaryUnionOp.union(gemeente));
                        }
                    }
                }
                return polygons;
            }
        }
        return java.util.Map.of();
    }

    /** The synthetic key: derived from the seed, so that the same seed gives the same landing zone. */
    static void writeSyntheticKey(Path file, long seed) throws IOException {
        byte[] secret = HexFormat.of().parseHex(Hashing.sha256("buurtsignaal synthetic key " + seed));
        String text = "# SYNTHETIC DEMO KEY, derived from the seed: not a secret, never use it for real data\n"
                + "synthetic-" + seed + ":" + Base64.getEncoder().encodeToString(secret) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
        PrivateFiles.restrictToOwner(file);
    }


    static List<CityGenerator.Buurt> readBuurten(Path file, long seed, List<String> gemeenten) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("neighbourhood reference not found: " + file);
        }
        List<CityGenerator.Buurt> buurten = new ArrayList<>();
        Set<String> known = new TreeSet<>();
        SplittableRandom sizes = new SplittableRandom(seed * 31 + 7);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.startsWith("buurt_code")) {
                throw new UsageException("neighbourhood reference " + file + " must start with a buurt_code column");
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    String code = line.split(",", 2)[0];
                    String gemeente = "GM" + code.substring(2, 6);
                    known.add(gemeente);
                    // neighbourhood sizes vary a lot: a few large ones, many small ones (drawn for every
                    // neighbourhood, so that a neighbourhood's size does not depend on which gemeenten are asked for)
                    double weight = 0.2 + Math.pow(sizes.nextDouble(), 2) * 3;
                    if (gemeenten.isEmpty() || gemeenten.contains(gemeente)) {
                        buurten.add(new CityGenerator.Buurt(code, weight));
                    }
                }
            }
        }
        for (String gemeente : gemeenten) {
            if (!known.contains(gemeente)) {
                throw new UsageException("gemeente " + gemeente + " is not in the neighbourhood reference " + file
                        + " (it has " + String.join(", ", known) + ")");
            }
        }
        return buurten;
    }
}
