package nl.buurtsignaal;

import nl.buurtsignaal.ingest.DeliveryRows;
import nl.buurtsignaal.ingest.Sources;
import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/** Hand-made bronze tables: rows written as "a|b|c" in the contract's column order, empty = null. */
final class BronzeFixture {
    private final Map<String, List<String>> rows = new LinkedHashMap<>();

    BronzeFixture() {
        Sources.names().forEach(name -> rows.put(name, new ArrayList<>()));
    }

    BronzeFixture add(String source, String... lines) {
        rows.get(source).addAll(List.of(lines));
        return this;
    }

    void writeTo(Lake lake) {
        for (Map.Entry<String, List<String>> e : rows.entrySet()) {
            Sources.Source source = Sources.byName(e.getKey()).orElseThrow();
            List<Row> data = new ArrayList<>();
            for (String line : e.getValue()) {
                String[] parts = line.split("\\|", -1);
                Object[] values = new Object[source.columns().size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i < parts.length && !parts[i].isEmpty() ? parts[i] : null;
                }
                data.add(RowFactory.create(values));
            }
            StructType plain = new StructType();
            for (nl.buurtsignaal.ingest.ContractColumn c : source.columns()) {
                plain = plain.add(c.name(), DataTypes.StringType);
            }
            Dataset<Row> df = lake.spark().createDataFrame(data, plain);
            List<Column> typed = new ArrayList<>();
            for (nl.buurtsignaal.ingest.ContractColumn c : source.columns()) {
                typed.add(col(c.name()).cast(DeliveryRows.sparkType(c.type())).as(c.name()));
            }
            typed.add(lit("fixture").as("delivery_id"));
            typed.add(lit("fixture").as("run_id"));
            lake.overwrite("bronze." + source.name(), df.select(typed.toArray(new Column[0])));
        }
    }
}
