package com.contoso.partnercenter.bff.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/** The Helm chart, checked with real Helm (helm-java): lint, render, and what the rendered objects say. */
class HelmChartTest {

    static final Path CHART = Path.of("helm/partner-center-bff");
    static final String SECRET = "s3cr3t-client-value";
    static final String REFRESH = "r3fr3sh-token-value";

    @TempDir
    Path temp;

    static List<Map<String, Object>> render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(CHART)
                .template()
                .withName("pcb")
                .withNamespace("partners")
                .set("credentials.clientSecret", SECRET)
                .set("credentials.refreshToken", REFRESH);
        String manifests = values.apply(command).call();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(manifests)) {
            if (document instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) map;
                objects.add(object);
            }
        }
        return objects;
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    static Map<String, Object> one(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> found = ofKind(objects, kind);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            current = current instanceof List<?> list
                    ? list.get(Integer.parseInt(step))
                    : ((Map<String, Object>) current).get(step);
        }
        return (T) current;
    }

    /** What the application really serves, from its own application.yaml. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> applicationYaml() throws IOException {
        return new Yaml().load(Files.readString(Path.of("src/main/resources/application.yaml")));
    }

    @Test
    void lintsCleanInStrictMode() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void probesAndPortsMatchWhatTheApplicationServes() throws IOException {
        Map<String, Object> application = applicationYaml();
        Map<String, Object> deployment = one(render(c -> c), "Deployment");
        Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", "0");

        Map<String, Object> ports = new java.util.HashMap<>();
        for (Map<String, Object> port : (List<Map<String, Object>>) at(container, "ports")) {
            ports.put((String) port.get("name"), port.get("containerPort"));
        }
        assertThat(ports)
                .containsEntry("http", at(application, "server", "port"))
                .containsEntry("management", at(application, "management", "server", "port"));
        assertThat((Boolean) at(application, "management", "endpoint", "health", "probes", "enabled"))
                .isTrue();
        assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat((String) at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat((String) at(container, "readinessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat((Map<String, Object>) at(container, "resources")).containsKeys("requests", "limits");
    }

    @Test
    void aNewReplicaTakesTrafficWithinSecondsOfBeingReady() {
        Map<String, Object> container =
                at(one(render(c -> c), "Deployment"), "spec", "template", "spec", "containers", "0");
        int startupPeriod = at(container, "startupProbe", "periodSeconds");
        int readinessPeriod = at(container, "readinessProbe", "periodSeconds");

        // The readiness probe first runs on its own tick after the startup probe succeeds: a replica ready in
        // 4.5 s (the image's AOT cache) would otherwise wait up to both periods more before the HPA's new pod
        // gets traffic.
        assertThat(startupPeriod + readinessPeriod).isLessThanOrEqualTo(3);
        // ...without giving a slow start less time, or taking a pod out of rotation for one slow answer.
        assertThat(startupPeriod * (int) at(container, "startupProbe", "failureThreshold"))
                .isGreaterThanOrEqualTo(120);
        assertThat(readinessPeriod * (int) at(container, "readinessProbe", "failureThreshold"))
                .isGreaterThanOrEqualTo(10);
    }

    @Test
    void theServiceCarriesTheApiPortOnly() {
        Map<String, Object> service = one(render(c -> c), "Service");
        List<Map<String, Object>> ports = at(service, "spec", "ports");

        assertThat(ports).singleElement().satisfies(port -> assertThat(port).containsEntry("targetPort", "http"));
    }

    @Test
    void podsRunLockedDown() {
        Map<String, Object> pod = at(one(render(c -> c), "Deployment"), "spec", "template", "spec");
        Map<String, Object> container = at(pod, "containers", "0");

        assertThat((Boolean) at(pod, "securityContext", "runAsNonRoot")).isTrue();
        assertThat((String) at(pod, "securityContext", "seccompProfile", "type"))
                .isEqualTo("RuntimeDefault");
        assertThat((Boolean) at(container, "securityContext", "readOnlyRootFilesystem"))
                .isTrue();
        assertThat((Boolean) at(container, "securityContext", "allowPrivilegeEscalation"))
                .isFalse();
        assertThat((List<String>) at(container, "securityContext", "capabilities", "drop"))
                .containsExactly("ALL");
        assertThat((List<Map<String, Object>>) at(container, "volumeMounts"))
                .anySatisfy(mount -> assertThat(mount).containsEntry("mountPath", "/tmp"));
        assertThat((List<Map<String, Object>>) at(pod, "volumes"))
                .anySatisfy(volume -> assertThat(volume).containsKey("emptyDir"));
        assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).isGreaterThan(10 + 25);
        assertThat((List<String>) at(container, "lifecycle", "preStop", "exec", "command"))
                .first()
                .isEqualTo("sleep");
        assertThat((List<Object>) at(pod, "topologySpreadConstraints")).isNotEmpty();
    }

    @Test
    void configurationChangesRollThePods() {
        Map<String, Object> before = one(render(c -> c), "Deployment");
        Map<String, Object> after = one(render(c -> c.set("config.partner-center.locale", "de-DE")), "Deployment");

        String checksum = at(before, "spec", "template", "metadata", "annotations", "checksum/config");
        assertThat(checksum).hasSize(64);
        assertThat((String) at(after, "spec", "template", "metadata", "annotations", "checksum/config"))
                .isNotEqualTo(checksum);
    }

    @Test
    void credentialsComeFromASecretAndAreNeverInlined() {
        List<Map<String, Object>> objects = render(c -> c);
        Map<String, Object> secret = one(objects, "Secret");
        Map<String, Object> container = at(one(objects, "Deployment"), "spec", "template", "spec", "containers", "0");

        assertThat(new String(Base64.getDecoder().decode((String) at(secret, "data", "client-secret"))))
                .isEqualTo(SECRET);
        assertThat(new String(Base64.getDecoder().decode((String) at(secret, "data", "refresh-token"))))
                .isEqualTo(REFRESH);
        List<Map<String, Object>> env = at(container, "env");
        assertThat(env)
                .filteredOn(e -> "PARTNER_CENTER_AUTH_CLIENT_SECRET".equals(e.get("name")))
                .singleElement()
                .satisfies(e -> assertThat((String) at(e, "valueFrom", "secretKeyRef", "key"))
                        .isEqualTo("client-secret"));
        String everythingButTheSecret = new Yaml()
                .dumpAll(objects.stream()
                        .filter(o -> !"Secret".equals(o.get("kind")))
                        .iterator());
        assertThat(everythingButTheSecret).doesNotContain(SECRET, REFRESH);
    }

    @Test
    void anExistingSecretReplacesTheChartsOwn() {
        List<Map<String, Object>> objects =
                render(c -> c.set("credentials.existingSecret", "partner-center-credentials"));

        assertThat(ofKind(objects, "Secret")).isEmpty();
        List<Map<String, Object>> env =
                at(one(objects, "Deployment"), "spec", "template", "spec", "containers", "0", "env");
        assertThat(env)
                .filteredOn(e -> at(e, "valueFrom") != null)
                .allSatisfy(e -> assertThat((String) at(e, "valueFrom", "secretKeyRef", "name"))
                        .isEqualTo("partner-center-credentials"));
    }

    @Test
    void aCertificateIsMountedReadOnlyAsTheSslBundleAndNoSecretIsAsked() {
        List<Map<String, Object>> objects = render(c -> c.set("credentials.clientAuthentication", "certificate")
                .set("credentials.clientSecret", "")
                .set("credentials.certificateSecret", "entra-certificate"));
        Map<String, Object> pod = at(one(objects, "Deployment"), "spec", "template", "spec");
        Map<String, String> env = values(at(pod, "containers", "0", "env"));

        assertThat(env)
                .containsEntry("PARTNER_CENTER_AUTH_CLIENT_AUTHENTICATION", "certificate")
                .containsEntry("PARTNER_CENTER_AUTH_CERTIFICATE_BUNDLE", "entra")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_ENTRA_KEYSTORE_CERTIFICATE", "file:/entra-certificate/tls.crt")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_ENTRA_KEYSTORE_PRIVATE_KEY", "file:/entra-certificate/tls.key")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_ENTRA_RELOAD_ON_UPDATE", "true")
                .doesNotContainKey("PARTNER_CENTER_AUTH_CLIENT_SECRET");
        List<Map<String, Object>> mounts = at(pod, "containers", "0", "volumeMounts");
        assertThat(mounts)
                .filteredOn(m -> "entra-certificate".equals(m.get("name")))
                .singleElement()
                .satisfies(m -> assertThat(m)
                        .containsEntry("mountPath", "/entra-certificate")
                        .containsEntry("readOnly", true));
        List<Map<String, Object>> volumes = at(pod, "volumes");
        assertThat(volumes)
                .filteredOn(v -> "entra-certificate".equals(v.get("name")))
                .singleElement()
                .satisfies(
                        v -> assertThat((String) at(v, "secret", "secretName")).isEqualTo("entra-certificate"));
        assertThat((Map<String, Object>) at(one(objects, "Secret"), "data")).doesNotContainKey("client-secret");
        assertThatThrownBy(() -> render(c -> c.set("credentials.clientAuthentication", "certificate")))
                .hasMessageContaining("credentials.certificateSecret");
    }

    @Test
    void workloadIdentityLabelsThePodAndAnnotatesItsServiceAccount() {
        List<Map<String, Object>> objects = render(c -> c.set("credentials.clientAuthentication", "workload-identity")
                .set("credentials.clientSecret", "")
                .set("config.partner-center.auth.client-id", "11111111-2222-3333-4444-555555555555"));
        Map<String, Object> template = at(one(objects, "Deployment"), "spec", "template");

        assertThat((Map<String, Object>) at(template, "metadata", "labels"))
                .containsEntry("azure.workload.identity/use", "true");
        assertThat((Map<String, Object>) at(one(objects, "ServiceAccount"), "metadata", "annotations"))
                .containsEntry("azure.workload.identity/client-id", "11111111-2222-3333-4444-555555555555");
        assertThat(values(at(template, "spec", "containers", "0", "env")))
                .containsEntry("PARTNER_CENTER_AUTH_CLIENT_AUTHENTICATION", "workload-identity")
                .doesNotContainKey("PARTNER_CENTER_AUTH_CLIENT_SECRET");
        assertThat((Map<String, Object>) at(one(objects, "Secret"), "data")).doesNotContainKey("client-secret");
        // With a secret, neither.
        Map<String, Object> plain = at(one(render(c -> c), "Deployment"), "spec", "template", "metadata", "labels");
        assertThat(plain).doesNotContainKey("azure.workload.identity/use");
    }

    private static Map<String, String> values(List<Map<String, Object>> env) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (Map<String, Object> variable : env) {
            values.put((String) variable.get("name"), (String) variable.get("value"));
        }
        return values;
    }

    @Test
    void theConsentPageIsSwitchedOnWithItsUsersAndTheIngressReachesIt() {
        List<Map<String, Object>> off = render(c -> c.set("ingress.enabled", "true")
                .set("ingress.hosts[0].host", "bff.contoso.example")
                .set("ingress.hosts[0].paths[0].path", "/api")
                .set("ingress.hosts[0].paths[0].pathType", "Prefix"));
        assertThat(values(at(one(off, "Deployment"), "spec", "template", "spec", "containers", "0", "env")))
                .doesNotContainKey("PARTNER_CENTER_CONSENT_ENABLED");
        List<Map<String, Object>> offPaths = at(one(off, "Ingress"), "spec", "rules", "0", "http", "paths");
        assertThat(offPaths).extracting(path -> path.get("path")).containsExactly("/api");

        List<Map<String, Object>> on = render(c -> c.set("ingress.enabled", "true")
                .set("ingress.hosts[0].host", "bff.contoso.example")
                .set("ingress.hosts[0].paths[0].path", "/api")
                .set("ingress.hosts[0].paths[0].pathType", "Prefix")
                .set("consent.enabled", "true")
                .set("consent.allowedUsers[0]", "admin@contoso.example")
                .set("consent.allowedUsers[1]", "4a1b2c3d-0000-4000-8000-000000000001")
                .set("consent.redirectUri", "https://bff.contoso.example/consent/callback"));
        assertThat(values(at(one(on, "Deployment"), "spec", "template", "spec", "containers", "0", "env")))
                .containsEntry("PARTNER_CENTER_CONSENT_ENABLED", "true")
                .containsEntry(
                        "PARTNER_CENTER_CONSENT_ALLOWED_USERS",
                        "admin@contoso.example,4a1b2c3d-0000-4000-8000-000000000001")
                .containsEntry("PARTNER_CENTER_CONSENT_REDIRECT_URI", "https://bff.contoso.example/consent/callback");
        List<Map<String, Object>> onPaths = at(one(on, "Ingress"), "spec", "rules", "0", "http", "paths");
        assertThat(onPaths).extracting(path -> path.get("path")).containsExactly("/api", "/consent");
        // An Ingress that routes everything reaches the page already: no second path.
        List<Map<String, Object>> everything =
                render(c -> c.set("ingress.enabled", "true").set("consent.enabled", "true"));
        List<Map<String, Object>> everythingPaths =
                at(one(everything, "Ingress"), "spec", "rules", "0", "http", "paths");
        assertThat(everythingPaths).extracting(path -> path.get("path")).containsExactly("/");
    }

    @Test
    void optionalFeaturesAreOffByDefault() {
        List<Map<String, Object>> objects = render(c -> c);

        for (String kind :
                List.of("Ingress", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor", "PrometheusRule")) {
            assertThat(ofKind(objects, kind)).as(kind).isEmpty();
        }
        assertThat(ofKind(objects, "PodDisruptionBudget")).hasSize(1); // two replicas by default
        assertThat(ofKind(render(c -> c.set("replicaCount", 1)), "PodDisruptionBudget"))
                .isEmpty();
    }

    @Test
    void theGrafanaDashboardIsAConfigMapForGrafanasSidecarWhenOn() throws Exception {
        assertThat(ofKind(render(c -> c), "ConfigMap"))
                .as("off by default: the configuration's ConfigMap only")
                .hasSize(1);

        List<Map<String, Object>> dashboards = ofKind(
                        render(c -> c.set("grafanaDashboard.enabled", true)
                                .set("grafanaDashboard.annotations.grafana_folder", "Partner Center")),
                        "ConfigMap")
                .stream()
                .filter(map -> ((String) at(map, "metadata", "name")).endsWith("-dashboard"))
                .toList();

        assertThat(dashboards).hasSize(1);
        Map<String, Object> dashboard = dashboards.get(0);
        assertThat((String) at(dashboard, "metadata", "labels", "grafana_dashboard"))
                .isEqualTo("1");
        assertThat((String) at(dashboard, "metadata", "annotations", "grafana_folder"))
                .isEqualTo("Partner Center");
        String json = (String) at(dashboard, "data", "partner-center-bff.json");
        assertThat(JsonMapper.shared().readTree(json))
                .as("the dashboard file, unchanged (GrafanaDashboardTest checks its queries)")
                .isEqualTo(JsonMapper.shared()
                        .readTree(Files.readString(
                                Path.of("helm/partner-center-bff/dashboards/partner-center-bff.json"))));
    }

    @Test
    void everyOptionalFeatureRendersWhenOn() {
        List<Map<String, Object>> objects = render(c -> c.set("ingress.enabled", true)
                .set("autoscaling.enabled", true)
                .set("networkPolicy.enabled", true)
                .set("serviceMonitor.enabled", true));

        assertThat((String) at(
                        one(objects, "Ingress"),
                        "spec",
                        "rules",
                        "0",
                        "http",
                        "paths",
                        "0",
                        "backend",
                        "service",
                        "port",
                        "name"))
                .isEqualTo("http");
        assertThat((Integer) at(one(objects, "HorizontalPodAutoscaler"), "spec", "minReplicas"))
                .isEqualTo(2);
        assertThat((Object) at(one(objects, "Deployment"), "spec", "replicas")).isNull();
        Map<String, Object> policy = one(objects, "NetworkPolicy");
        assertThat((List<Object>) at(policy, "spec", "ingress")).hasSize(2);
        assertThat((Integer) at(policy, "spec", "egress", "1", "ports", "0", "port"))
                .isEqualTo(443);
        assertThat((String) at(one(objects, "ServiceMonitor"), "spec", "endpoints", "0", "path"))
                .isEqualTo("/actuator/prometheus");
        // Prometheus gets its own headless Service; the API Service still carries the API port alone.
        assertThat(ofKind(objects, "Service")).hasSize(2);
        assertThat(ofKind(objects, "PodDisruptionBudget")).hasSize(1);
    }

    @Test
    void theSchemaRejectsUnknownKeysWrongTypesAndCredentialsInTheConfigMap() throws IOException {
        Path unknownKey = Files.writeString(temp.resolve("unknown.yaml"), "replicas: 3\n");
        Path wrongType = Files.writeString(temp.resolve("type.yaml"), "replicaCount: two\n");
        Path secretInConfig = Files.writeString(
                temp.resolve("leak.yaml"), "config:\n  partner-center:\n    auth:\n      client-secret: oops\n");

        for (Path values : List.of(unknownKey, wrongType, secretInConfig)) {
            assertThatThrownBy(() -> render(c -> c.withValuesFile(values)))
                    .as(values.getFileName().toString())
                    .hasMessageContaining("values don't meet the specifications of the schema");
        }
    }

    // --- fleet mode ---

    static List<Map<String, Object>> env(List<Map<String, Object>> objects) {
        return at(one(objects, "Deployment"), "spec", "template", "spec", "containers", "0", "env");
    }

    static Map<String, Object> variable(List<Map<String, Object>> env, String name) {
        return env.stream().filter(e -> name.equals(e.get("name"))).findFirst().orElse(null);
    }

    @Test
    void fleetModeGetsRedisAndTheTokenKeyFromItsSecret() {
        List<Map<String, Object>> objects = render(c -> c.set("redis.url", "redis://redis.partners:6380")
                .set("redis.existingSecret", "partner-center-fleet")
                .set("networkPolicy.enabled", true));
        List<Map<String, Object>> env = env(objects);

        assertThat(variable(env, "SPRING_DATA_REDIS_URL")).containsEntry("value", "redis://redis.partners:6380");
        assertThat((String) at(variable(env, "PARTNER_CENTER_FLEET_TOKEN_KEY"), "valueFrom", "secretKeyRef", "name"))
                .isEqualTo("partner-center-fleet");
        assertThat((String) at(variable(env, "PARTNER_CENTER_FLEET_TOKEN_KEY"), "valueFrom", "secretKeyRef", "key"))
                .isEqualTo("token-key");
        assertThat((Boolean) at(variable(env, "SPRING_DATA_REDIS_PASSWORD"), "valueFrom", "secretKeyRef", "optional"))
                .isTrue();
        // The policy lets the pods reach Redis, on its port only.
        List<Map<String, Object>> egress = at(one(objects, "NetworkPolicy"), "spec", "egress");
        assertThat(egress)
                .anySatisfy(rule ->
                        assertThat((Integer) at(rule, "ports", "0", "port")).isEqualTo(6380));
    }

    @Test
    void withoutRedisThereIsNoFleetAndNoRedisEgress() {
        List<Map<String, Object>> objects = render(c -> c.set("networkPolicy.enabled", true));

        assertThat(env(objects))
                .extracting(e -> e.get("name"))
                .doesNotContain("SPRING_DATA_REDIS_URL", "SPRING_DATA_REDIS_HOST", "PARTNER_CENTER_FLEET_TOKEN_KEY");
        assertThat((List<Object>) at(one(objects, "NetworkPolicy"), "spec", "egress"))
                .hasSize(2);
    }

    @Test
    void fleetModeWithoutItsSecretIsRefused() {
        assertThatThrownBy(() -> render(c -> c.set("redis.host", "redis"))).hasMessageContaining("existingSecret");
    }

    @Test
    void sentinelGetsTheMastersNameTheSentinelsAndTheirPorts() {
        List<Map<String, Object>> objects = render(c -> c.set("redis.sentinel.master", "mymaster")
                .set("redis.sentinel.nodes[0]", "redis-node-0.redis-headless:26379")
                .set("redis.sentinel.nodes[1]", "redis-node-1.redis-headless:26379")
                .set("redis.sentinel.passwordKey", "sentinel-password")
                .set("redis.existingSecret", "partner-center-fleet")
                .set("networkPolicy.enabled", true));
        List<Map<String, Object>> env = env(objects);

        assertThat(variable(env, "SPRING_DATA_REDIS_SENTINEL_MASTER")).containsEntry("value", "mymaster");
        assertThat(variable(env, "SPRING_DATA_REDIS_SENTINEL_NODES"))
                .containsEntry("value", "redis-node-0.redis-headless:26379,redis-node-1.redis-headless:26379");
        assertThat((String)
                        at(variable(env, "SPRING_DATA_REDIS_SENTINEL_PASSWORD"), "valueFrom", "secretKeyRef", "key"))
                .isEqualTo("sentinel-password");
        assertThat(variable(env, "SPRING_DATA_REDIS_URL")).isNull();
        // The master on redis.port, the sentinels on theirs.
        assertThat(redisPorts(objects)).containsExactlyInAnyOrder(6379, 26379);
    }

    @Test
    void clusterGetsItsSeedNodesAndEveryNodesPort() {
        List<Map<String, Object>> objects = render(c -> c.set("redis.cluster.nodes[0]", "cache-0:7000")
                .set("redis.cluster.nodes[1]", "cache-1:7001")
                .set("redis.existingSecret", "partner-center-fleet")
                .set("networkPolicy.enabled", true));

        assertThat(variable(env(objects), "SPRING_DATA_REDIS_CLUSTER_NODES"))
                .containsEntry("value", "cache-0:7000,cache-1:7001");
        assertThat(redisPorts(objects)).containsExactlyInAnyOrder(7000, 7001);
    }

    @Test
    void tlsWithAPrivateCaAndAnAclUser() {
        List<Map<String, Object>> objects = render(c -> c.set("redis.host", "redis.partners")
                .set("redis.port", 6380)
                .set("redis.username", "partner-center-bff")
                .set("redis.tls.enabled", true)
                .set("redis.tls.caSecret", "redis-ca")
                .set("redis.existingSecret", "partner-center-fleet"));
        List<Map<String, Object>> env = env(objects);

        assertThat(variable(env, "SPRING_DATA_REDIS_USERNAME")).containsEntry("value", "partner-center-bff");
        assertThat(variable(env, "SPRING_DATA_REDIS_SSL_ENABLED")).containsEntry("value", "true");
        assertThat(variable(env, "SPRING_DATA_REDIS_SSL_BUNDLE")).containsEntry("value", "redis");
        assertThat(variable(env, "SPRING_SSL_BUNDLE_PEM_REDIS_TRUSTSTORE_CERTIFICATE"))
                .containsEntry("value", "file:/redis-tls/ca.crt");
        Map<String, Object> pod = at(one(objects, "Deployment"), "spec", "template", "spec");
        assertThat((List<Map<String, Object>>) at(pod, "volumes"))
                .anySatisfy(volume -> assertThat(volume.get("secret"))
                        .isEqualTo(Map.of(
                                "secretName",
                                "redis-ca",
                                "items",
                                List.of(Map.of("key", "ca.crt", "path", "ca.crt")))));
        assertThat((List<Map<String, Object>>) at(pod, "containers", "0", "volumeMounts"))
                .anySatisfy(mount -> assertThat(mount).containsEntry("mountPath", "/redis-tls"));
    }

    @Test
    void twoRedisTopologiesAtOnceAreRefused() {
        assertThatThrownBy(() -> render(c -> c.set("redis.url", "redis://redis:6379")
                        .set("redis.cluster.nodes[0]", "cache-0:7000")
                        .set("redis.existingSecret", "partner-center-fleet")))
                .hasMessageContaining("set one of");
        assertThatThrownBy(() -> render(c ->
                        c.set("redis.sentinel.master", "mymaster").set("redis.existingSecret", "partner-center-fleet")))
                .hasMessageContaining("redis.sentinel.nodes");
    }

    static List<Integer> redisPorts(List<Map<String, Object>> objects) {
        List<Map<String, Object>> egress = at(one(objects, "NetworkPolicy"), "spec", "egress");
        Map<String, Object> redis = egress.get(egress.size() - 1);
        return ((List<Map<String, Object>>) redis.get("ports"))
                .stream().map(port -> (Integer) port.get("port")).toList();
    }

    // --- access log and audit trail ---

    @Test
    void theAccessLogGoesToThePodsStdoutUnrotated() {
        Map<String, Object> config = new Yaml().load((String) at(
                one(render(c -> c.set("accessLog.enabled", true)), "ConfigMap"), "data", "application.yaml"));

        Map<String, Object> accessLog = at(config, "server", "tomcat", "accesslog");
        assertThat(accessLog)
                .containsEntry("enabled", true)
                .containsEntry("directory", "/dev")
                .containsEntry("prefix", "stdout")
                .containsEntry("suffix", "")
                .containsEntry("rotate", false);
        assertThat((Map<String, Object>) new Yaml().load((String)
                        at(one(render(c -> c), "ConfigMap"), "data", "application.yaml")))
                .as("off by default")
                .doesNotContainKey("logging");
    }

    @Test
    void theAuditTrailCanHaveAFileOfItsOwnWhichTheRenderedLogbackConfigurationWrites() throws Exception {
        List<Map<String, Object>> objects =
                render(c -> c.set("auditLog.enabled", true).set("auditLog.existingClaim", "audit-claim"));
        Map<String, Object> configMap = one(objects, "ConfigMap");
        Map<String, Object> config = new Yaml().load((String) at(configMap, "data", "application.yaml"));
        assertThat((String) at(config, "logging", "config")).isEqualTo("/config/logback-spring.xml");
        Map<String, Object> pod = at(one(objects, "Deployment"), "spec", "template", "spec");
        assertThat((List<Map<String, Object>>) at(pod, "containers", "0", "volumeMounts"))
                .anySatisfy(mount -> assertThat(mount)
                        .containsEntry("name", "audit")
                        .containsEntry("mountPath", "/var/log/partner-center-bff"));
        assertThat((List<Map<String, Object>>) at(pod, "volumes"))
                .filteredOn(volume -> "audit".equals(volume.get("name")))
                .singleElement()
                .satisfies(volume -> assertThat((String) at(volume, "persistentVolumeClaim", "claimName"))
                        .isEqualTo("audit-claim"));

        // The rendered configuration, as logback reads it, with the file in a temporary directory.
        Path file = temp.resolve("audit.jsonl");
        String xml = ((String) at(configMap, "data", "logback-spring.xml"))
                .replace("/var/log/partner-center-bff/audit.jsonl", file.toString());
        var context = new ch.qos.logback.classic.LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as the real one has
        var configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(
                new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        context.getLogger("audit").info("{\"portal\":\"sales\"}");
        context.getLogger("com.contoso.partnercenter.bff.Other").info("not an audit event");
        context.stop();

        assertThat(context.getStatusManager().getCopyOfStatusList())
                .as("logback read the configuration")
                .noneMatch(status -> status.getLevel() == ch.qos.logback.core.status.Status.ERROR);
        assertThat(Files.readAllLines(file)).containsExactly("{\"portal\":\"sales\"}");
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .noneMatch(status -> status.getLevel() == ch.qos.logback.core.status.Status.ERROR);
    }

    // --- alerts ---

    static final Path PROMTOOL = Path.of(System.getProperty("promtool", "/usr/bin/promtool"));

    @Test
    void theAlertRulesPassPromtoolsChecksAndUnitTests() throws Exception {
        assertThat(PROMTOOL)
                .as("promtool (Debian's prometheus package; .ci/run installs it) tests the alert rules")
                .isExecutable();
        Map<String, Object> rule = one(render(c -> c.set("prometheusRule.enabled", true)), "PrometheusRule");
        Files.writeString(temp.resolve("rules.yaml"), new Yaml().dump(at(rule, "spec")));
        Path tests =
                Files.copy(Path.of("src/test/resources/prometheus/alerts-test.yaml"), temp.resolve("alerts-test.yaml"));

        for (List<String> command : List.of(
                List.of(
                        PROMTOOL.toString(),
                        "check",
                        "rules",
                        temp.resolve("rules.yaml").toString()),
                List.of(PROMTOOL.toString(), "test", "rules", tests.toString()))) {
            Process promtool = new ProcessBuilder(command)
                    .directory(temp.toFile())
                    .redirectErrorStream(true)
                    .start();
            String report = new String(promtool.getInputStream().readAllBytes());
            assertThat(promtool.waitFor())
                    .as(String.join(" ", command) + "\n" + report)
                    .isZero();
        }
    }
}
