package nl.buurtsignaal.lake;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.base.UsageException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gate as a property: statements generated from a grammar of allowed and forbidden parts (the
 * relation, how it is wrapped, what is selected, a subquery in the filter) pass exactly when no
 * forbidden part was chosen. The reader may read gold.signal, without its history.
 */
class GateGrammarIT extends SparkTestBase {
    /** A part of a statement, and whether the reader may have it. */
    record Part(String text, boolean forbidden) {
    }

    record Statement(String text, boolean forbidden) {
    }

    static Lake lake;
    static SparkSession session;
    static final Query.Grant GRANT = new Query.Grant("tester", Tables.SIGNAL::equals, Set.of(), false);

    static synchronized void init() throws Exception {
        if (lake != null) {
            return;
        }
        Path dir = Files.createTempDirectory("gate-grammar");
        lake = lake(dir.resolve("lake"));
        lake.overwrite(Tables.SIGNAL, sql("SELECT 's1' AS signal_id, 'BU1' AS buurt_code, 2 AS severity"));
        lake.overwrite(Tables.SILVER_PROVISION, sql("SELECT 's1' AS signal_id, 'wmo' AS provision"));
        lake.registerAll();
        session = spark().newSession();
        session.conf().set("spark.sql.runSQLOnFiles", "false");
    }

    static Arbitrary<Part> relations() {
        String path = "/tmp/gate-grammar-nowhere";
        return Arbitraries.of(new Part("gold.signal", false), new Part("`gold`.`signal`", false),
                new Part("GOLD.Signal", false), new Part("IDENTIFIER('gold.signal')", false),
                new Part("spark_catalog.gold.signal", false),
                new Part("silver.provision", true), new Part("`silver`.`provision`", true),
                new Part("IDENTIFIER('silver.' || 'provision')", true), new Part("spark_catalog.silver.provision", true),
                new Part("gold.signal VERSION AS OF 0", true), new Part("parquet.`" + path + "`", true),
                new Part("IDENTIFIER('text.`" + path + "`')", true), new Part("range(3)", true));
    }

    static Arbitrary<Part> selections() {
        return Arbitraries.of(new Part("count(*)", false), new Part("max(length('x'))", false), new Part("sum(1) AS n", false),
                new Part("count(DISTINCT upper('a'))", false),
                new Part("max(length(reflect('java.lang.System', 'getProperty', 'user.home')))", true),
                new Part("max(length(`JAVA_METHOD`('java.lang.System', 'getProperty', 'user.home')))", true),
                new Part("max(length(input_file_name()))", true),
                new Part("max(size(sequence(1, 2000000000)))", true),
                new Part("max(length(repeat('x', 2000000000)))", true));
    }

    @Provide
    Arbitrary<Statement> statements() {
        Arbitrary<Integer> wrapping = Arbitraries.integers().between(0, 4);
        Arbitrary<Boolean> filtered = Arbitraries.of(true, false);
        return Combinators.combine(relations(), relations(), selections(), wrapping, filtered).as((from, inner, select, wrap, filter) -> {
            String where = filter ? " WHERE 1 IN (SELECT 1 FROM " + inner.text() + ")" : "";
            boolean forbidden = from.forbidden() || select.forbidden() || (filter && inner.forbidden());
            String text = switch (wrap) {
                case 0 -> "SELECT " + select.text() + " FROM " + from.text() + where;
                case 1 -> "SELECT " + select.text() + " FROM (SELECT * FROM " + from.text() + ") x" + where;
                case 2 -> "WITH c AS (SELECT * FROM " + from.text() + ") SELECT " + select.text() + " FROM c" + where;
                case 3 -> "FROM " + from.text() + (filter ? " |> WHERE 1 IN (SELECT 1 FROM " + inner.text() + ")" : "")
                        + " |> AGGREGATE " + select.text();
                default -> "SELECT " + select.text() + " FROM " + from.text() + " a JOIN " + from.text() + " b ON true" + where;
            };
            return new Statement(text, forbidden);
        });
    }

    @Property(tries = 150, seed = "20261204")
    void aStatementPassesExactlyWhenNoPartOfItIsForbidden(@ForAll("statements") Statement s) throws Exception {
        init();
        boolean refused;
        try {
            Query.check(session, lake, s.text(), GRANT);
            refused = false;
        } catch (UsageException e) {
            refused = true;
        }
        assertEquals(s.forbidden(), refused, s.text());
    }
}
