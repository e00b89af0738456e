package nl.buurtsignaal.serve;

import nl.buurtsignaal.hub.HubFixture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** One JDBC connection per user to a {@code serve} on loopback, as a BI tool keeps one (each login costs an Argon2 hash). */
final class Logins implements AutoCloseable {
    private final Map<String, Connection> connections = new HashMap<>();
    private final IntSupplier port;

    Logins(IntSupplier port) {
        this.port = port;
    }

    /** The user's connection, logged in with the fixture's password on first use. */
    Connection as(String user) throws SQLException {
        Connection c = connections.get(user);
        if (c == null) {
            c = connect(port.getAsInt(), user, HubFixture.PASSWORD);
            connections.put(user, c);
        }
        return c;
    }

    /** What the README tells an analyst to type into DBeaver. */
    static Connection connect(int port, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false", user, password);
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : connections.values()) {
            c.close();
        }
    }
}
