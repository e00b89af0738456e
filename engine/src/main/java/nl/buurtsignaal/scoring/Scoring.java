package nl.buurtsignaal.scoring;

import nl.buurtsignaal.config.EngineConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.*;

/**
 * Neighbourhood indicators and scores (contract section 4 and 5).
 *
 * <p>Values: numerator × scale / denominator, null where the denominator is 0. Robust z-scores per
 * indicator over the neighbourhoods of the run, computed on the value after empirical-Bayes
 * shrinkage toward the municipality's rate ({@link #withShrunkValue}): (shrunk − median) / (1.4826 · MAD). Where more than
 * half of the neighbourhoods share one value the MAD is 0; then the mean absolute deviation
 * (× 1.2533) stands in, as in Iglewicz and Hoaglin's modified z-score, and a z of 0 where that is 0
 * too. Scores: per theme, the weighted mean of the available z-scores; contributions are each
 * indicator's share of that mean, largest first.
 */
public final class Scoring {
    private static final double MAD_TO_SIGMA = 1.4826;
    private static final double MEAN_AD_TO_SIGMA = 1.2533;

    private Scoring() {
    }

    /**
     * gold.buurt_indicator rows of one classification ({@code areas}) for every area and indicator:
     * {@code counts} completed with zero counts for areas without rows, values, z-scores and
     * suppression. {@code buurten} lists the areas ({@code buurt_code}) and, where it has the
     * column, each one's {@code gemeente_code} (else read from a CBS code) for the shrinkage.
     */
    public static Dataset<Row> indicators(Dataset<Row> counts, Dataset<Row> buurten, LocalDate asOf, Disclosure disclosure,
                                          double priorDenominator, String areas) {
        Dataset<Row> definitions = counts.select("indicator_id", "theme", "scale").distinct();
        Column gemeente = List.of(buurten.columns()).contains("gemeente_code") ? col("gemeente_code")
                : concat(lit("GM"), substring(col("buurt_code"), 3, 4));
        Dataset<Row> grid = buurten.select(col("buurt_code"), gemeente.as("_gemeente")).dropDuplicates("buurt_code")
                .crossJoin(definitions);
        Dataset<Row> numbers = counts.select("buurt_code", "indicator_id", "numerator", "denominator");
        Dataset<Row> complete = grid.join(numbers,
                        scala.jdk.javaapi.CollectionConverters.asScala(List.of("buurt_code", "indicator_id")).toSeq(), "left")
                .select(col("buurt_code"), col("_gemeente"), col("indicator_id"), col("theme"), col("scale"),
                        coalesce(col("numerator"), lit(0L)).as("numerator"),
                        coalesce(col("denominator"), lit(0L)).as("denominator"));
        Dataset<Row> valued = complete.withColumn("value", when(col("denominator").gt(0),
                col("numerator").multiply(col("scale")).divide(col("denominator"))));
        return withRobustZ(withShrunkValue(valued, priorDenominator), "indicator_id", "shrunk_value").select(
                lit(java.sql.Date.valueOf(asOf)).as("as_of"),
                col("buurt_code"), col("theme"), col("indicator_id"),
                col("numerator"), col("denominator"), col("value"), col("z_score"),
                disclosure.suppressed().as("suppressed"), lit(areas).as("areas"));
    }

    /**
     * Adds shrunk_value: the value pulled toward its municipality's rate by empirical-Bayes
     * shrinkage, (numerator + m·rate) / (denominator + m) × scale, with m = {@code priorDenominator}
     * pseudo-units at the municipality's rate (a beta-binomial or gamma-Poisson posterior mean). A
     * hamlet of ten households with two receiving care moves most of the way to its municipality's
     * rate; a neighbourhood of a thousand barely moves. Small numbers can therefore not drive the
     * ranking, while every neighbourhood keeps a score.
     */
    public static Dataset<Row> withShrunkValue(Dataset<Row> rows, double priorDenominator) {
        Column gemeente = List.of(rows.columns()).contains("_gemeente") ? col("_gemeente") : substring(col("buurt_code"), 3, 4);
        WindowSpec municipality = Window.partitionBy(col("indicator_id"), gemeente);
        Column rate = sum("numerator").over(municipality).divide(sum("denominator").over(municipality));
        return rows.withColumn("shrunk_value", when(col("denominator").gt(0),
                col("numerator").plus(rate.multiply(priorDenominator))
                        .divide(col("denominator").plus(priorDenominator)).multiply(col("scale"))));
    }

    /** Adds z_score: the robust z of value within each group of {@code groupColumn}. */
    public static Dataset<Row> withRobustZ(Dataset<Row> rows, String groupColumn) {
        return withRobustZ(rows, groupColumn, "value");
    }

    /** Adds z_score: the robust z of {@code valueColumn} within each group of {@code groupColumn}. */
    public static Dataset<Row> withRobustZ(Dataset<Row> rows, String groupColumn, String valueColumn) {
        WindowSpec group = Window.partitionBy(groupColumn);
        Dataset<Row> withMedian = rows.withColumn("_median", percentile(col(valueColumn), lit(0.5)).over(group));
        Dataset<Row> withSpread = withMedian
                .withColumn("_abs_dev", abs(col(valueColumn).minus(col("_median"))))
                .withColumn("_mad", percentile(col("_abs_dev"), lit(0.5)).over(group))
                .withColumn("_mean_ad", when(count(col("_abs_dev")).over(group).gt(0),
                        sumInOrder(collect_list(col("_abs_dev")).over(group)).divide(count(col("_abs_dev")).over(group))));
        Column sigma = when(col("_mad").gt(0), col("_mad").multiply(MAD_TO_SIGMA))
                .when(col("_mean_ad").gt(0), col("_mean_ad").multiply(MEAN_AD_TO_SIGMA));
        Column z = when(col(valueColumn).isNull(), lit(null).cast(DataTypes.DoubleType))
                .when(sigma.isNull(), lit(0.0))
                .otherwise(col(valueColumn).minus(col("_median")).divide(sigma));
        return withSpread.withColumn("z_score", z).drop("_median", "_abs_dev", "_mad", "_mean_ad");
    }

    /**
     * The sum of collected doubles in ascending order. A plain sum adds rows in the order they
     * arrive, which depends on how the input is split into files and partitions; its last bits then
     * differ between a laptop and a cluster. Summed in sorted order, the same facts give the same
     * score, bit for bit, wherever the engine runs.
     */
    static Column sumInOrder(Column collected) {
        return aggregate(array_sort(collected), lit(0.0), (total, x) -> total.plus(x));
    }

    /** An indicator's weight in its theme's score (scoring.weights). */
    public record Weight(String theme, String indicatorId, double weight) {
    }

    /** Every weight of scoring.weights, theme by theme (typed when the settings load). */
    public static List<Weight> weights(EngineConfig config) {
        List<Weight> weights = new ArrayList<>();
        config.settings().scoring().weights().forEach((theme, perIndicator) ->
                perIndicator.forEach((indicator, weight) -> weights.add(new Weight(theme, indicator, weight))));
        return weights;
    }

    /** gold.buurt_score from gold.buurt_indicator rows of one as_of, per classification ({@code areas}) where they have one. */
    public static Dataset<Row> scores(SparkSession spark, Dataset<Row> indicators, EngineConfig config,
                                      String methodVersion, LocalDate asOf) {
        List<Row> weightRows = new ArrayList<>();
        for (Weight w : weights(config)) {
            weightRows.add(RowFactory.create(w.theme(), w.indicatorId(), w.weight()));
        }
        StructType weightSchema = new StructType().add("theme", DataTypes.StringType)
                .add("indicator_id", DataTypes.StringType).add("weight", DataTypes.DoubleType);
        Dataset<Row> weights = spark.createDataFrame(weightRows, weightSchema);
        double flagMin = config.settings().scoring().flagMinScore();

        if (!List.of(indicators.columns()).contains("areas")) {
            indicators = indicators.withColumn("areas", lit(null).cast(DataTypes.StringType));
        }
        Dataset<Row> weighted = indicators.filter(col("z_score").isNotNull())
                .join(weights, indicators.col("theme").equalTo(weights.col("theme"))
                        .and(indicators.col("indicator_id").equalTo(weights.col("indicator_id"))))
                .select(indicators.col("areas"), indicators.col("buurt_code"), indicators.col("theme"), indicators.col("indicator_id"),
                        indicators.col("z_score"), weights.col("weight"))
                .filter(col("weight").gt(0));
        WindowSpec perBuurt = Window.partitionBy("areas", "theme", "buurt_code");
        Dataset<Row> contributions = weighted.withColumn("contribution",
                col("weight").multiply(col("z_score")).divide(sumInOrder(collect_list("weight").over(perBuurt))));
        Dataset<Row> perTheme = contributions.groupBy("areas", "theme", "buurt_code").agg(
                sumInOrder(collect_list("contribution")).as("score"),
                expr("transform(sort_array(collect_list(struct(-contribution AS k, indicator_id, contribution))), "
                        + "x -> named_struct('indicator_id', x.indicator_id, 'contribution', x.contribution))")
                        .as("contributions"));
        return perTheme.select(
                lit(java.sql.Date.valueOf(asOf)).as("as_of"),
                col("buurt_code"), col("theme"), col("score"),
                row_number().over(Window.partitionBy("areas", "theme").orderBy(col("score").desc(), col("buurt_code")))
                        .as("rank"),
                col("score").geq(flagMin).as("flagged"),
                col("contributions"),
                lit(methodVersion).as("method_version"), col("areas"));
    }
}
