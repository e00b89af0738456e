package nl.buurtsignaal.lake;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static io.delta.kernel.internal.util.Utils.singletonCloseableIterator;

/**
 * Reads a Delta table's latest snapshot in this process with Delta Kernel: the log and the
 * parquet files read directly, no Spark job. For readers that answer people (the hub), where a
 * Spark query's fixed cost (planning, a job to reconstruct the snapshot) is the whole cost.
 */
public final class KernelReader {
    private final Engine engine;

    public KernelReader(Configuration hadoop) {
        this.engine = DefaultEngine.create(hadoop);
    }

    /** What was read: the table's version and the data files. */
    public record Read(long version, List<String> files) {
    }

    /**
     * Calls {@code each} with every row of the table's latest snapshot, reduced to {@code columns}
     * (in that order; deletion vectors applied).
     */
    public Read forEach(String location, List<String> columns, Consumer<Row> each) {
        Snapshot snapshot = Table.forPath(engine, location).getLatestSnapshot(engine);
        StructType schema = snapshot.getSchema();
        List<StructField> fields = new ArrayList<>();
        for (String c : columns) {
            fields.add(schema.get(c));
        }
        Scan scan = snapshot.getScanBuilder().withReadSchema(new StructType(fields)).build();
        Row scanState = scan.getScanState(engine);
        StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
        List<String> files = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> scanFileRows = scanFiles.next().getRows()) {
                    while (scanFileRows.hasNext()) {
                        Row scanFile = scanFileRows.next();
                        FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
                        files.add(file.getPath());
                        CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                                .readParquetFiles(singletonCloseableIterator(file), physical, Optional.empty())
                                .map(FileReadResult::getData);
                        try (CloseableIterator<FilteredColumnarBatch> logical = Scan.transformPhysicalData(engine, scanState, scanFile, data)) {
                            while (logical.hasNext()) {
                                try (CloseableIterator<Row> rows = logical.next().getRows()) {
                                    rows.forEachRemaining(each);
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Delta table at " + location, e);
        }
        return new Read(snapshot.getVersion(), files);
    }

    /** The column names of a table's latest snapshot. */
    public List<String> columnNames(String location) {
        return Table.forPath(engine, location).getLatestSnapshot(engine).getSchema().fieldNames();
    }

    /** A table's latest snapshot as its data files: the schema (Delta's JSON) and the files. */
    public record PlainFiles(String schemaJson, List<String> paths) {
    }

    /**
     * The latest snapshot's data files, when reading them as plain parquet gives the table's rows:
     * a table with no reader feature (no deletion vectors, no column mapping), no partition columns,
     * and no file with a deletion vector. Otherwise empty: read the table through Delta.
     */
    public Optional<PlainFiles> plainFiles(String location) {
        Snapshot latest = Table.forPath(engine, location).getLatestSnapshot(engine);
        if (!(latest instanceof SnapshotImpl snapshot) || snapshot.getProtocol().getMinReaderVersion() > 1
                || !snapshot.getPartitionColumnNames().isEmpty()) {
            return Optional.empty();
        }
        List<String> paths = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = snapshot.getScanBuilder().build().getScanFiles(engine)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> scanFileRows = scanFiles.next().getRows()) {
                    while (scanFileRows.hasNext()) {
                        Row scanFile = scanFileRows.next();
                        if (InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile) != null) {
                            return Optional.empty();
                        }
                        paths.add(InternalScanFileUtils.getAddFileStatus(scanFile).getPath());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Delta log at " + location, e);
        }
        return Optional.of(new PlainFiles(snapshot.getMetadata().getSchemaString(), paths));
    }
}
