package nl.buurtsignaal.hub;

/** A request the hub refuses: the HTTP status and a one-line reason, shown as {@code {"error": reason}}. */
public final class Refused extends RuntimeException {
    public final int status;

    public Refused(int status, String message) {
        super(message);
        this.status = status;
    }
}
