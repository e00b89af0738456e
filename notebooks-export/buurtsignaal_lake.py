"""The buurtsignaal lake from a Python notebook.

The engine is a Java program on Spark; no Python Spark (pyspark) is installed here, and the JVM
kernels data scientists know cannot be installed either. So a notebook starts the engine's own
JVM in its own process through JPype (Debian's python3-jpype), with the engine's jar and Spark on
the class path, and talks to Spark and the engine through their Java API. Results come back as
pandas DataFrames, so matplotlib and pandas work as usual:

    from buurtsignaal_lake import Lake
    lake = Lake("../target/notebooks/demo-lake")
    lake.table("gold.signal")                         # a pandas DataFrame
    lake.sql("SELECT theme, count(*) FROM gold.buurt_score GROUP BY theme")
    lake.cli("model", "list")                         # any bin/buurtsignaal command, on this lake, in this JVM

Every query runs in the same SparkSession the command line uses, with the project's conf/.
"""
import glob
import json
import os

import jpype
import jpype.imports
import pandas as pd

HOME = os.environ.get("BUURTSIGNAAL_HOME") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Spark on Java 17 reaches into JDK internals: the options of bin/lib/java-opens.args, the list
# bin/buurtsignaal and the tests read too (JPype starts the JVM without the launcher's @file).
with open(os.path.join(HOME, "bin", "lib", "java-opens.args")) as _f:
    _OPENS = [line.strip() for line in _f if line.strip()]


def start_jvm(heap="3g"):
    """Starts the engine's JVM once per notebook (the jar is built by mvn package or bin/buurtsignaal)."""
    if jpype.isJVMStarted():
        return
    jar = os.path.join(HOME, "engine", "target", "buurtsignaal.jar")
    if not os.path.isfile(jar):
        raise RuntimeError("build the engine first: mvn -B package -DskipTests (or run bin/buurtsignaal once)")
    classpath = [jar] + sorted(glob.glob(os.path.join(HOME, "engine", "target", "lib", "*.jar")))
    # Debian ships JPype's own support jar apart from the module: put it on the class path too.
    classpath += [j for j in ("/usr/share/java/org.jpype.jar",) if os.path.isfile(j)]
    os.environ.setdefault("BUURTSIGNAAL_HOME", HOME)  # where the engine finds conf/
    jpype.startJVM("-Xmx" + heap, "-XX:+UseParallelGC", *_OPENS, classpath=classpath, convertStrings=True)
    from org.apache.logging.log4j.core.config import Configurator
    from org.apache.logging.log4j import Level
    for name in ("org.apache.spark", "io.delta", "org.apache.hadoop"):
        Configurator.setLevel(name, Level.ERROR)
    Configurator.setRootLevel(Level.ERROR)


class Lake:
    """A lake of the engine, read through Spark in this process."""

    def __init__(self, path, settings=()):
        start_jvm()
        from java.nio.file import Path
        from java.util import ArrayList
        from nl.buurtsignaal.config import EngineConfig
        from nl.buurtsignaal.lake import Lake as JLake, SparkSessions
        self.given = path
        self.path = os.path.abspath(path)
        self.settings = list(settings)
        overrides = ArrayList()
        warehouse = os.path.join(HOME, "target", "notebooks", "spark-warehouse")
        # a heartbeat a minute, not every ten seconds: in one JVM it reports nothing anyone reads,
        # and Delta's statistics accumulator can race with it and print a harmless stack trace
        for s in ["spark_master=local[2]", "spark.spark.sql.shuffle.partitions=2",
                  "spark.spark.executor.heartbeatInterval=60s",
                  "spark.spark.sql.warehouse.dir=" + warehouse] + self.settings:
            overrides.add(s)
        self.config = EngineConfig.load(Path.of(os.path.join(HOME, "conf")), None, overrides)
        self.spark = SparkSessions.getOrCreate(self.config)
        self.lake = JLake(self.spark, self.path)
        self.refresh()

    def refresh(self):
        """Registers every table of the lake by its name (after a command wrote new ones)."""
        self.tables = [str(t) for t in self.lake.registerAll()]
        return self.tables

    def sql(self, query, limit=10_000):
        """A query's rows as a pandas DataFrame (at most `limit` rows; columns in the query's order)."""
        return self.frame(self.spark.sql(query), limit)

    @staticmethod
    def frame(dataset, limit=10_000):
        """A Spark Dataset's rows as a pandas DataFrame."""
        columns = [str(c) for c in dataset.columns()]
        rows = [json.loads(str(r)) for r in dataset.limit(limit).toJSON().collectAsList()]
        return pd.DataFrame(rows, columns=columns)

    def table(self, name, where=None, limit=10_000):
        return self.sql("SELECT * FROM " + name + ("" if where is None else " WHERE " + where), limit)

    def history(self, name):
        """A table's Delta history, oldest first: version, time, operation and its metrics."""
        history = self.lake.deltaTable(name).history().orderBy("version")
        return self.frame(history.select("version", "timestamp", "operation", "operationMetrics"))

    def cli(self, *args, user=None, show=True):
        """Runs a bin/buurtsignaal command on this lake in this JVM; prints what it printed; returns its exit status.
        `--lake` is added for commands that take one. `user` stands in for the operating-system user (four eyes)."""
        from java.io import ByteArrayOutputStream, PrintStream
        from java.lang import System
        from nl.buurtsignaal.cli import Main
        argv = list(args)
        if argv and argv[0] not in ("generate", "docs") and "--lake" not in argv:
            at = 2 if argv[0] == "model" else 1
            argv = argv[:at] + ["--lake", self.path] + argv[at:]
        for s in self.settings:
            argv += ["--set", s]
        captured_out, captured_err = ByteArrayOutputStream(), ByteArrayOutputStream()
        old_out, old_err, old_user = System.out, System.err, System.getProperty("user.name")
        System.setOut(PrintStream(captured_out, True, "UTF-8"))
        System.setErr(PrintStream(captured_err, True, "UTF-8"))
        if user is not None:
            System.setProperty("user.name", user)
        try:
            status = int(Main.execute(jpype.JArray(jpype.JString)(argv)))
        finally:
            System.setOut(old_out)
            System.setErr(old_err)
            System.setProperty("user.name", old_user)
        if show:
            # the lake as the notebook named it, so that the outputs read the same on every machine
            text = str(captured_out.toString("UTF-8")).replace(self.path, self.given)
            errors = [l for l in str(captured_err.toString("UTF-8")).splitlines() if l.startswith("buurtsignaal:")]
            print(text.rstrip() + ("\n" if text.strip() else "") + "\n".join(errors) + ("\n" if errors else "")
                  + "(exit " + str(status) + ")")
        self.refresh()
        return status
