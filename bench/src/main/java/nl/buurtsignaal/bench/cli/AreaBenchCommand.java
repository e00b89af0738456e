package nl.buurtsignaal.bench.cli;

import nl.buurtsignaal.areas.Classification;
import nl.buurtsignaal.areas.Placements;
import nl.buurtsignaal.bench.Sections;
import nl.buurtsignaal.cli.Main;
import nl.buurtsignaal.config.EngineConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.PrecisionModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.*;

/**
 * Placing addresses by point over many areas, measured: a synthetic classification of
 * {@code --areas} polygons (a grid of cells whose edges wander, about 100 vertices each, shared
 * exactly by neighbours) and {@code --addresses} points spread over it; the same pass over the
 * addresses without placement, with one classification and with two.
 */
@Command(name = "area-bench", mixinStandardHelpOptions = true,
        description = {"Measure placing addresses in areas by point (JTS STRtree, broadcast): a pass over the addresses",
                "without placement, with one classification and with two. Prints the figures."})
final class AreaBenchCommand implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options;

    @Option(names = "--addresses", defaultValue = "10000000", description = "Addresses (default ${DEFAULT-VALUE}).")
    long addresses;

    @Option(names = "--areas", defaultValue = "15000", description = "Areas of each classification (default ${DEFAULT-VALUE}).")
    int areas;

    @Option(names = "--vertices-per-edge", defaultValue = "25", description = "Vertices along each cell edge (default ${DEFAULT-VALUE}).")
    int perEdge;

    @Option(names = "--docs", defaultValue = "true", negatable = true, description = "Write the figures into docs/performance.md.")
    boolean docs;

    @Option(names = "--run-persons", defaultValue = "20000",
            description = "Persons of the generated city whose whole run is timed with one classification and with two "
                    + "(default ${DEFAULT-VALUE}; 0: skip).")
    long runPersons;

    private static final double CELL = 500; // metres: 15,000 cells of 500 m cover about the Netherlands' land

    @Override
    public Integer call() throws java.io.IOException {
        EngineConfig config = options.config();
        SparkSession spark = options.spark(config);
        int side = (int) Math.ceil(Math.sqrt(areas));
        Classification first = grid("bench-a", side, 0);
        Classification second = grid("bench-b", side, CELL / 3); // another drawing, shifted
        System.err.printf(Locale.ROOT, "[area-bench] %d areas of %d vertices each; %d addresses%n",
                first.areas().size(), first.geometry().values().iterator().next().getNumPoints(), addresses);
        double extent = side * CELL;
        Dataset<Row> bag = spark.range(addresses).select(
                concat(lit("A"), col("id").cast("string")).as("address_id"),
                lit("BU00000000").as("buurt_code"),
                lit(null).cast("string").as("postcode"),
                round(rand(7).multiply(extent).plus(10_000), 1).as("x_rd"),
                round(rand(8).multiply(extent).plus(300_000), 1).as("y_rd"));
        double pass = time(() -> bag.groupBy(col("x_rd").gt(10_000 + extent / 2)).count().collectAsList());
        double one = time(() -> Placements.of(bag, List.of(first)).groupBy("status").count().collectAsList());
        double two = time(() -> Placements.of(bag, List.of(first, second)).groupBy("areas", "status").count().collectAsList());
        List<Placements.Counts> counts = Placements.counts(Placements.of(bag, List.of(first)), List.of(first));
        System.out.printf(Locale.ROOT, "area-bench: %d addresses, %d areas: a pass without placement %.1f s; "
                        + "placed in one classification %.1f s (+%.1f s); in two %.1f s (%.2f times one)%n",
                addresses, first.areas().size(), pass, one, one - pass, two, two / one);
        System.out.println("area-bench: " + counts.get(0).line());
        RunTimes runs = runPersons > 0 ? runs(spark, config) : null;
        if (runs != null) {
            System.out.printf(Locale.ROOT, "area-bench: a full run on %d persons: with cbs-2014 %.1f s, with cbs-2014 and hlt-2026 "
                    + "%.1f s (%.2f times; target 1.3); best of %d each%n", runPersons, runs.one(), runs.two(), runs.two() / runs.one(), REPEATS);
        }
        if (docs) {
            java.nio.file.Path page = EngineConfig.defaultConfDir().toAbsolutePath().getParent().resolve("docs/performance.md");
            String environment = String.format(Locale.ROOT, "Run on %s: %d cores, Java %s, Spark %s.", java.time.LocalDate.now(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), spark.version());
            String section = String.format(Locale.ROOT, """
                    %s
                    ## Areas (`bin/buurtsignaal area-bench --addresses %d --areas %d`)

                    %s

                    | addresses | areas (vertices each) | a pass without placement | placed in one classification | added (target 60 s) | in two classifications |
                    | --- | --- | --- | --- | --- | --- |
                    | %d | %d (%d) | %.1f s | %.1f s | %.1f s (%s) | %.1f s (%.2f times one) |

                    Synthetic: a grid of cells whose edges wander (shared exactly by neighbours), the points spread
                    over the grid's square, whose last row is not full (the addresses there are outside every area,
                    and counted so); each pass ends in a count per status, so every address is placed. %s
                    %s
                    %s
                    """, Sections.AREAS.begin(), addresses, areas, environment, addresses, first.areas().size(),
                    first.geometry().values().iterator().next().getNumPoints(), pass, one, one - pass,
                    one - pass <= 60 ? "met" : "not met", two, two / one, counts.get(0).line() + ".", runs == null ? ""
                            : String.format(Locale.ROOT, """

                            A whole run (`run --full`) on a generated city of %d persons, which places every address in both
                            classifications either way, computing the indicators and scores in `cbs-2014` alone: %.1f s; in
                            `cbs-2014` and `hlt-2026`: %.1f s, **%.2f times** (target 1.3, %s); the best of %d runs each,
                            alternated, after one run to warm up.""", runPersons, runs.one(), runs.two(), runs.two() / runs.one(),
                            runs.two() / runs.one() <= 1.3 ? "met" : "not met", REPEATS), Sections.AREAS.end());
            String old = java.nio.file.Files.exists(page) ? java.nio.file.Files.readString(page) : "";
            java.nio.file.Files.writeString(page, Sections.AREAS.into(old, section));
        }
        return Main.OK;
    }

    private static final int REPEATS = 2;

    /** The best wall seconds of a full run computing one classification and two. */
    private record RunTimes(double one, double two) {
    }

    private RunTimes runs(SparkSession spark, EngineConfig config) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("area-bench-run");
        try {
            java.nio.file.Path landing = dir.resolve("landing");
            java.time.LocalDate asOf = java.time.LocalDate.of(2026, 10, 31);
            nl.buurtsignaal.base.Progress progress = nl.buurtsignaal.base.Progress.stderr("area-bench");
            nl.buurtsignaal.cli.GenerateCommand.writeCity(new nl.buurtsignaal.generate.CityGenerator.Options(landing, runPersons, 7, asOf,
                    false, 1_000_000, 3), List.of(), config, progress);
            nl.buurtsignaal.lake.Lake lake = new nl.buurtsignaal.lake.Lake(spark, dir.resolve("lake"));
            new nl.buurtsignaal.pipeline.Pipeline(lake, config, progress).ingest(landing,
                    landing.resolve(nl.buurtsignaal.cli.GenerateCommand.KEY_FILE), "area-bench-ingest");
            List<String> one = List.of("cbs-2014");
            List<String> two = List.of("cbs-2014", "hlt-2026");
            runOnce(lake, config, one, asOf); // warm-up
            double bestOne = Double.MAX_VALUE;
            double bestTwo = Double.MAX_VALUE;
            for (int i = 0; i < REPEATS; i++) {
                bestOne = Math.min(bestOne, runOnce(lake, config, one, asOf));
                bestTwo = Math.min(bestTwo, runOnce(lake, config, two, asOf));
            }
            return new RunTimes(bestOne, bestTwo);
        } finally {
            nl.buurtsignaal.base.FileTrees.deleteRecursively(dir);
        }
    }

    private static double runOnce(nl.buurtsignaal.lake.Lake lake, EngineConfig config, List<String> areas, java.time.LocalDate asOf) {
        nl.buurtsignaal.base.Progress quiet = nl.buurtsignaal.base.Progress.stderr("area-bench run " + String.join("+", areas));
        return time(() -> new nl.buurtsignaal.pipeline.Pipeline(lake, config, quiet).areas(areas)
                .run(asOf, true, "area-bench-" + java.util.UUID.randomUUID()));
    }

    private static double time(Runnable job) {
        long start = System.nanoTime();
        job.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** A side×side grid of cells from (10 000, 300 000) RD, shifted by {@code shift}, edges wandering by a shared rule. */
    private Classification grid(String name, int side, double shift) {
        GeometryFactory factory = new GeometryFactory(new PrecisionModel(), 28992);
        List<Classification.Area> list = new ArrayList<>();
        Map<String, Geometry> geometry = new LinkedHashMap<>();
        for (int i = 0; i < side && list.size() < areas; i++) {
            for (int j = 0; j < side && list.size() < areas; j++) {
                String code = String.format("%s-%03d-%03d", name, i, j);
                List<Coordinate> ring = new ArrayList<>();
                int[][] corners = {{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}};
                for (int k = 0; k < 4; k++) {
                    int[] a = corners[k];
                    int[] b = corners[(k + 1) % 4];
                    for (int s = 0; s < perEdge; s++) {
                        double t = s / (double) perEdge;
                        double x = a[0] + (b[0] - a[0]) * t;
                        double y = a[1] + (b[1] - a[1]) * t;
                        // wander across the edge by an amount that depends on the point alone: neighbours agree
                        double wobble = s == 0 ? 0 : 0.08 * Math.sin(x * 12.9898 + y * 78.233) ;
                        x += a[1] == b[1] ? 0 : wobble;
                        y += a[0] == b[0] ? 0 : wobble;
                        ring.add(new Coordinate(10_000 + shift + x * CELL, 300_000 + shift + y * CELL));
                    }
                }
                ring.add(ring.get(0));
                Geometry polygon = factory.createPolygon(ring.toArray(Coordinate[]::new));
                list.add(new Classification.Area(code, code, "W", "W", "GM0000", "bench"));
                geometry.put(code, polygon.isValid() ? polygon : polygon.buffer(0));
            }
        }
        return new Classification(name, name, Classification.Placement.POINT, List.of(), list, geometry, Map.of(), Map.of(), name);
    }
}
