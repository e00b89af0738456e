package nl.buurtsignaal.base;

/** Any other failure the engine can name in one line: exit status 1. */
public class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
