package nl.buurtsignaal.base;

/** A usage or configuration error: exit status 2, one line on standard error. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
