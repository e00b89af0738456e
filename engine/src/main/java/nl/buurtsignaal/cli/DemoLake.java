package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.UsageException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The demo's lake on a Hadoop file system (s3a://, hdfs://): emptied before the demo writes it, but
 * only when a demo made it. A demo marks its lake with a file of its own; a location that holds
 * anything else is refused, so that a mistyped bucket never loses a real lake.
 */
final class DemoLake {
    static final String MARK = "_buurtsignaal_demo_lake";

    private DemoLake() {
    }

    static void empty(SparkSession spark, String lakeUri) {
        Path root = new Path(lakeUri);
        try {
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(root)) {
                FileStatus[] content = fs.listStatus(root);
                if (content.length > 0 && !fs.exists(new Path(root, MARK))) {
                    throw new UsageException("the demo empties its lake first, and " + lakeUri
                            + " holds data no demo wrote: give the demo a location of its own");
                }
                fs.delete(root, true);
            }
            fs.mkdirs(root);
            fs.create(new Path(root, MARK), true).close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the demo's lake " + lakeUri + ": " + e.getMessage(), e);
        }
    }
}
