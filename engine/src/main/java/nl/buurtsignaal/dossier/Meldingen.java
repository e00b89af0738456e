package nl.buurtsignaal.dossier;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * hub.melding (contract section 9): a signal from outside the rules (the street, a partner, a
 * citizen), registered by the hub. It enters the queue as a signal of rule {@link #RULE_ID}; a
 * person is never its subject by a typed identifier.
 */
public final class Meldingen {
    public static final String RULE_ID = "MELDING";
    public static final List<String> SUBJECT_TYPES = List.of("address", "object", "company");
    public static final List<String> RELIABILITY = List.of("A", "B", "C", "D");
    public static final List<String> CREDIBILITY = List.of("1", "2", "3", "4");
    public static final int MAX_TEXT = 2_000;
    public static final StructType SCHEMA = new StructType()
            .add("melding_id", DataTypes.StringType, false)
            .add("received_at", DataTypes.TimestampType, false)
            .add("registered_by", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false)
            .add("reliability", DataTypes.StringType, false)
            .add("credibility", DataTypes.StringType, false)
            .add("subject_type", DataTypes.StringType, false)
            .add("subject_id", DataTypes.StringType, false)
            .add("observed_on", DataTypes.DateType, false)
            .add("text", DataTypes.StringType, false);

    private Meldingen() {
    }

    /** The queue's signal id of a melding. */
    public static String signalId(String meldingId) {
        return "M-" + meldingId;
    }
}
