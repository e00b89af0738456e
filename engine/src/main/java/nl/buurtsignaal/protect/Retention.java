package nl.buurtsignaal.protect;

import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Column;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.*;

/**
 * Storage limitation (AVG article 5(1)(e)): residence periods, enforcement cases and care
 * provisions that ended longer ago than the configured number of years are removed from bronze,
 * and silver snapshots of reference dates that old with them; then VACUUM after the history period.
 */
public final class Retention {
    private final Lake lake;
    private final EngineConfig config;
    private final Progress progress;

    public Retention(Lake lake, EngineConfig config, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
    }

    /** Source → the date a row's retention period counts from. */
    static Map<String, Column> endOf() {
        Map<String, Column> end = new LinkedHashMap<>();
        end.put("brp_residence", col("valid_to"));
        end.put("enforcement_case", coalesce(col("closed_on"), col("opened_on")));
        end.put("care_provision", col("valid_to"));
        return end;
    }

    /** Silver tables derived from each source, kept per reference date. */
    static Map<String, String> silverOf() {
        return Map.of("brp_residence", Tables.SILVER_RESIDENCE, "enforcement_case", Tables.SILVER_ENFORCEMENT_CASE,
                "care_provision", Tables.SILVER_PROVISION);
    }

    public Map<String, Long> apply(LocalDate today) {
        Map<String, Long> removed = new TreeMap<>();
        progress.stages(endOf().size());
        for (Map.Entry<String, Column> source : endOf().entrySet()) {
            Double years = config.settings().retention().years().get(source.getKey());
            progress.step(source.getKey());
            if (years == null) {
                progress.info("  no retention.years." + source.getKey() + " configured: kept");
                continue;
            }
            LocalDate cutoff = today.minusMonths(Math.round(years * 12));
            Column old = source.getValue().lt(lit(Date.valueOf(cutoff)));
            deleteWhere(Tables.bronze(source.getKey()), old, removed);
            deleteWhere(silverOf().get(source.getKey()), col("as_of").lt(lit(Date.valueOf(cutoff))), removed);
            progress.info("  rows ended before " + cutoff + " removed");
        }
        History.vacuum(lake, new ArrayList<>(removed.keySet()), config.settings().retention().historyHours(), progress);
        return removed;
    }

    private void deleteWhere(String table, Column condition, Map<String, Long> removed) {
        if (!lake.exists(table)) {
            return;
        }
        long n = lake.read(table).filter(condition).count();
        if (n > 0) {
            lake.deltaTable(table).delete(condition);
            removed.put(table, n);
        }
    }
}
