package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.FileTrees;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Query;
import nl.buurtsignaal.lake.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What every command loads, once: a session, a Delta table written, registered and queried. The
 * launcher runs it after a build with {@code -XX:ArchiveClassesAtExit}, so that the JVM's class
 * data archive holds Spark's and Delta's classes and later commands start in a few seconds instead
 * of parsing and verifying some twenty thousand classes again.
 */
@Command(name = "warm-up", hidden = true, description = "Load the classes commands use (for the launcher's class data archive).")
final class WarmUpCommand implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        EngineConfig config = options.config();
        Path dir = Files.createTempDirectory("buurtsignaal-warm-up");
        try {
            Lake lake = new Lake(options.spark(config), dir);
            // past Delta's checkpoint interval, so that reading a checkpoint is among what is loaded
            for (int i = 0; i < 12; i++) {
                lake.append(Tables.AUDIT_RUN, lake.spark().sql("SELECT 'warm-up' AS command, current_timestamp() AS started_at, "
                        + "current_date() AS as_of, array('a') AS tables_written, " + i + " AS n, 0.5D AS x"));
            }
            for (String text : new String[]{"SELECT count(*) FROM audit.run",
                    "SELECT command, count(*) AS n, max(started_at), sum(x) FROM audit.run WHERE as_of = current_date() GROUP BY command",
                    "SELECT a.*, b.n AS m FROM audit.run a JOIN audit.run b ON a.n = b.n ORDER BY a.n LIMIT 3"}) {
                lake.registerNamed(Query.named(lake.spark(), text));
                SqlCommand.write(SqlCommand.flattened(lake.spark().sql(text)), ',',
                        new PrintStream(OutputStream.nullOutputStream()));
            }
            return Main.OK;
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }
}
