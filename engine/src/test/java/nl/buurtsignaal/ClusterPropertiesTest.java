package nl.buurtsignaal;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkSubmit;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.apache.spark.deploy.k8s.KubernetesConf;
import org.apache.spark.deploy.k8s.KubernetesDriverConf;
import org.apache.spark.deploy.k8s.KubernetesDriverSpec;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.deploy.k8s.SparkPod;
import org.apache.spark.deploy.k8s.features.BasicExecutorFeatureStep;
import org.apache.spark.deploy.k8s.submit.ClientArguments;
import org.apache.spark.deploy.k8s.submit.KubernetesDriverBuilder;
import org.apache.spark.internal.config.ConfigEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster properties of conf/cluster/ as Spark 4.1 reads them, without a cluster: every setting
 * is one Spark knows, with a value it accepts; and the README's Kubernetes command, read by
 * spark-submit's own code and turned into pods by Spark's own Kubernetes submission code, gives the
 * driver and executor pods the README describes.
 */
class ClusterPropertiesTest {
    private static final Path CLUSTER = Path.of("conf/cluster");
    /**
     * Settings no Spark class on this build's class path defines: spark.master is read by
     * spark-submit itself; spark.yarn.* are defined in spark-yarn, which is not served for Spark 4.1.0
     * where this project is built (so the YARN file is checked for everything but these).
     */
    private static final Set<String> NOT_DEFINED_HERE = Set.of("spark.master", "spark.yarn.queue");
    /** Spark's settings by prefix: a variable for the driver's or the executors' environment, a secret to mount. */
    private static final List<String> PREFIXES = List.of("spark.kubernetes.driverEnv.", "spark.executorEnv.",
            "spark.kubernetes.driver.secrets.", "spark.kubernetes.executor.secrets.");
    /** Settings Spark's network layer reads itself (its TransportConf), not through a declared setting. */
    private static final Set<String> NETWORK = Set.of("spark.network.crypto.enabled");

    static {
        // Spark's settings register themselves when the objects that declare them are loaded.
        for (String holder : List.of("org.apache.spark.internal.config.package$", "org.apache.spark.sql.internal.SQLConf$",
                "org.apache.spark.deploy.k8s.Config$")) {
            try {
                Class.forName(holder, true, ClusterPropertiesTest.class.getClassLoader()).getField("MODULE$").get(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(holder, e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "yarn", "kubernetes"})
    void everySettingIsOneSparkKnowsWithAValueItAccepts(String cluster) throws IOException {
        Properties properties = load(CLUSTER.resolve(cluster + ".properties"));
        assertTrue(properties.size() > 10, cluster);
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key).strip();
            if (NOT_DEFINED_HERE.contains(key) || PREFIXES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            if (NETWORK.contains(key)) {
                var network = new org.apache.spark.network.util.TransportConf("rpc",
                        new org.apache.spark.network.util.MapConfigProvider(Map.of(key, value)));
                if (!network.encryptionEnabled() && !value.equals("false")) {
                    problems.add(key + " = " + value + ": Spark's network layer does not read it as true or false");
                }
                continue;
            }
            ConfigEntry<?> entry = ConfigEntry.findEntry(key);
            if (entry == null) {
                problems.add(key + ": not a setting of Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION());
                continue;
            }
            try {
                entry.valueConverter().apply(value);
            } catch (RuntimeException e) {
                problems.add(key + " = " + value + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), problems, "conf/cluster/" + cluster + ".properties");
        // the pseudonymisation key travels inside task closures: every cluster encrypts RPC and spills
        for (String encryption : List.of("spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled")) {
            assertEquals("true", properties.getProperty(encryption, "").strip(), cluster + ": " + encryption);
        }
    }

    /** The settings a spelling mistake would hide: a misspelt key is not a setting, a bad size not a size. */
    @Test
    void aMisspeltSettingOrABadValueIsCaught() {
        assertEquals(null, ConfigEntry.findEntry("spark.excutor.memory"));
        ConfigEntry<?> memory = ConfigEntry.findEntry("spark.executor.memory");
        assertTrue(memory != null);
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> memory.valueConverter().apply("8 gigabytes"));
    }

    @Test
    void theReadmesKubernetesCommandGivesTheDriverAndExecutorPodsItDescribes() throws Exception {
        List<String> submit = readmeCommand("kubernetes.properties");
        assertEquals("$SPARK_HOME/bin/spark-submit", submit.get(0));
        SparkSubmitArguments arguments = new SparkSubmitArguments(
                scala.jdk.javaapi.CollectionConverters.asScala(submit.subList(1, submit.size())).toList(),
                SparkSubmitArguments.$lessinit$greater$default$2());
        // spark-submit's own preparation: the master, the deploy mode, Kubernetes' submission class
        var prepared = new SparkSubmit().prepareSubmitEnvironment(arguments, scala.Option.empty());
        SparkConf conf = prepared._3();
        assertEquals("org.apache.spark.deploy.k8s.submit.KubernetesClientApplication", prepared._4());
        assertEquals("k8s://https://kubernetes.default.svc:443", conf.get("spark.master"));
        assertEquals("cluster", conf.get("spark.submit.deployMode"));

        ClientArguments client = ClientArguments.fromCommandLineArgs(
                scala.jdk.javaapi.CollectionConverters.asJava(prepared._1()).toArray(String[]::new));
        assertEquals("nl.buurtsignaal.cli.Main", client.mainClass());
        List<String> engineArgs = List.of(client.driverArgs());
        assertEquals("run", engineArgs.get(0));
        assertTrue(engineArgs.contains("--lake") && engineArgs.contains("--as-of"), engineArgs.toString());

        KubernetesDriverConf driverConf = KubernetesConf.createDriverConf(conf, "spark-buurtsignaal-test",
                client.mainAppResource(), client.mainClass(), client.driverArgs(), client.proxyUser());
        assertEquals("buurtsignaal", driverConf.namespace());
        KubernetesDriverSpec spec = new KubernetesDriverBuilder().buildFromFeatures(driverConf, null);
        Pod driver = spec.pod().pod();
        Container driverContainer = spec.pod().container();
        assertEquals("spark", driver.getSpec().getServiceAccountName());
        assertEquals("registry.example.local/buurtsignaal:0.1.0", driverContainer.getImage());
        assertEquals("/opt/buurtsignaal", env(driverContainer).get("BUURTSIGNAAL_HOME"));
        // the image's layout: the jar the command names lies in BUURTSIGNAAL_HOME, beside conf/
        String jar = submit.stream().filter(a -> a.endsWith(".jar")).findFirst().orElseThrow();
        assertEquals("local:///opt/buurtsignaal/buurtsignaal-spark-submit.jar", jar);
        assertTrue(mebibytes(driverContainer.getResources().getRequests().get("memory").toString()) >= 4096,
                driverContainer.getResources().toString());
        // the settings reach the driver as Spark's properties, encryption among them
        assertEquals("true", conf.get("spark.network.crypto.enabled"));
        assertEquals("true", conf.get("spark.io.encryption.enabled"));

        KubernetesExecutorConf executorConf = KubernetesConf.createExecutorConf(conf, "1", "spark-buurtsignaal-test",
                scala.Option.apply(driver), 0);
        // the driver's security manager, which reads the secret from the file mounted in its pod
        Path mounted = Files.createTempFile("spark-auth", ".secret");
        Files.writeString(mounted, "a-secret-only-the-pods-read");
        org.apache.spark.SecurityManager security = new org.apache.spark.SecurityManager(
                conf.clone().set("spark.authenticate.secret.file", mounted.toString()),
                scala.Option.empty(), org.apache.spark.SecurityManager.$lessinit$greater$default$3());
        // the default profile, whose executors take every resource from the properties, as a submitted
        // application's are (Spark keeps the first default profile of a JVM: this test runs in a JVM
        // of its own, see engine/pom.xml)
        var profile = new org.apache.spark.resource.ResourceProfile(
                scala.collection.immutable.Map$.MODULE$.<String, org.apache.spark.resource.ExecutorResourceRequest>empty(),
                scala.collection.immutable.Map$.MODULE$.<String, org.apache.spark.resource.TaskResourceRequest>empty());
        profile.setToDefaultProfile();
        SparkPod executor = new org.apache.spark.deploy.k8s.features.MountSecretsFeatureStep(executorConf).configurePod(
                new BasicExecutorFeatureStep(executorConf, security, profile).configurePod(SparkPod.initialPod()));
        Container executorContainer = executor.container();
        assertEquals("registry.example.local/buurtsignaal:0.1.0", executorContainer.getImage());
        assertEquals("3500m", executorContainer.getResources().getRequests().get("cpu").toString());
        assertTrue(mebibytes(executorContainer.getResources().getRequests().get("memory").toString()) >= 8192,
                executorContainer.getResources().toString());
        Map<String, String> executorEnv = env(executorContainer);
        assertEquals("/opt/buurtsignaal", executorEnv.get("BUURTSIGNAAL_HOME"));
        // spark.authenticate's secret: a file from a Kubernetes secret in the driver's and every
        // executor's pod, never a variable of their environment
        for (SparkPod pod : List.of(spec.pod(), executor)) {
            assertTrue(pod.container().getEnv().stream().noneMatch(e -> e.getName().contains("AUTH_SECRET")
                    || "a-secret-only-the-pods-read".equals(e.getValue())), pod.container().getEnv().toString());
            assertTrue(pod.pod().getSpec().getVolumes().stream().anyMatch(v -> v.getSecret() != null
                    && "buurtsignaal-spark-auth".equals(v.getSecret().getSecretName())), pod.pod().getSpec().getVolumes().toString());
            assertTrue(pod.container().getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/etc/buurtsignaal/spark-auth")),
                    pod.container().getVolumeMounts().toString());
        }
        assertEquals("/etc/buurtsignaal/spark-auth/secret", conf.get("spark.authenticate.secret.file"));
    }

    /** The spark-submit command of the README's block that names this properties file, as words. */
    static List<String> readmeCommand(String propertiesFile) throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (block.find()) {
            String joined = block.group(1).replace("\\\n", " ");
            for (String line : joined.split("\n")) {
                String command = line.replaceAll("\\s+#.*$", "").strip();
                if (command.startsWith("$SPARK_HOME/bin/spark-submit") && command.contains("conf/cluster/" + propertiesFile)) {
                    return List.of(command.split("\\s+"));
                }
            }
        }
        throw new AssertionError("README.md has no spark-submit command with conf/cluster/" + propertiesFile);
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new java.util.HashMap<>();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                env.put(variable.getName(), variable.getValue());
            }
        }
        return env;
    }

    private static long mebibytes(String quantity) {
        return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(new io.fabric8.kubernetes.api.model.Quantity(quantity))
                .longValue() / (1024 * 1024);
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
