package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "hub-user", mixinStandardHelpOptions = true,
        description = {"Manage the hub's users file: 'hub-user add' adds a user or replaces their role and password.",
                "The password is read from standard input (one line) and stored as an Argon2id hash only."})
final class HubUserCommand implements Callable<Integer> {
    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of unexpected failures.")
    void setVerbose(boolean value) {
        Main.ConfigOptions.verbose = value;
    }

    @Parameters(index = "0", paramLabel = "ACTION", description = "add")
    String action;

    @Option(names = "--users", required = true, paramLabel = "FILE", description = "The users file (made if missing, readable by its owner only).")
    Path users;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The user's name.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "reviewer, coordinator, auditor or data_scientist (the hub's); analyst or bi (the SQL endpoint's, serve).")
    String role;

    @Override
    public Integer call() throws IOException {
        if (!"add".equals(action)) {
            throw new UsageException("hub-user knows one action: add");
        }
        Role parsed;
        try {
            parsed = Role.of(role);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (System.console() != null) {
            System.err.print("password for " + name + " (at least 12 characters): ");
        }
        char[] typed = System.console() != null ? System.console().readPassword() : null;
        String password = typed != null ? new String(typed)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        HubUsers.add(users, name, parsed, password);
        System.err.println("buurtsignaal: user " + name + " (" + parsed.id() + ") written to " + users);
        return Main.OK;
    }
}
