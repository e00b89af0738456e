package nl.buurtsignaal.bench.cli;

import nl.buurtsignaal.cli.Main;

import java.util.List;

/**
 * The engine's command line with the bench's commands added: {@code bin/buurtsignaal bench},
 * {@code hub-bench}, {@code model-bench} and {@code area-bench} run here, every other command as in the engine.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command and returns its exit status, as {@link Main#execute(String...)}. */
    public static int execute(String... args) {
        return Main.execute(List.of(new BenchCommand(), new HubBenchCommand(), new ModelBenchCommand(), new AreaBenchCommand()), args);
    }
}
