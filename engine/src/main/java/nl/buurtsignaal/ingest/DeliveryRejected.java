package nl.buurtsignaal.ingest;

/** A whole delivery is refused: nothing of it lands; the message is the audit's reason. */
public class DeliveryRejected extends RuntimeException {
    public DeliveryRejected(String reason) {
        super(reason);
    }
}
