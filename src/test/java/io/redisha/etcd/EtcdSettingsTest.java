package io.redisha.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.FenceTiming;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdSettingsTest {
  private static final URI ONE = URI.create("http://198.51.100.11:2379");
  private static final URI TWO = URI.create("http://198.51.100.12:2379");

  @Test
  void defaultsAreThePrefixAndAHalfSecondCall() {
    EtcdSettings settings = EtcdSettings.of(List.of(ONE, TWO));
    assertThat(settings.prefix()).isEqualTo("/redisha");
    assertThat(settings.callTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.validate()).isEmpty();
    assertThat(
            settings.timingProblems(FenceTiming.of(Duration.ofMillis(100), Duration.ofMillis(100))))
        .isEmpty();
  }

  @Test
  void everyEndpointProblemNamesItsIndex() {
    EtcdSettings settings =
        EtcdSettings.of(
            Arrays.asList(
                ONE,
                URI.create("ftp://198.51.100.12:2379"),
                URI.create("http://198.51.100.13:2379/v3"),
                URI.create("http://root:pw@198.51.100.14:2379"),
                URI.create("http://198.51.100.11"),
                null,
                URI.create("http:/nohost"),
                URI.create("http://198.51.100.15:2379?x=1")));
    assertThat(settings.validate())
        .containsExactly(
            "etcd.endpoints[1]: 'ftp://198.51.100.12:2379' must start with http:// or https://",
            "etcd.endpoints[2]: 'http://198.51.100.13:2379/v3' must not have a path; the gateway's"
                + " /v3/... paths are added",
            "etcd.endpoints[3]: must not carry credentials; use etcd.username and etcd.password",
            "etcd.endpoints[4]: 'http://198.51.100.11' is the same as etcd.endpoints[0]",
            "etcd.endpoints[5]: missing",
            "etcd.endpoints[6]: 'http:/nohost' has no host (expected for example"
                + " http://etcd-1:2379)",
            "etcd.endpoints[7]: 'http://198.51.100.15:2379?x=1' must not have a query or fragment");
  }

  @Test
  void noEndpointIsAProblem() {
    assertThat(EtcdSettings.of(null).validate())
        .containsExactly(
            "etcd.endpoints: at least one client URL is needed, for example http://etcd-1:2379");
  }

  @Test
  void prefixAndCallTimeoutAreChecked() {
    EtcdSettings base = EtcdSettings.of(List.of(ONE));
    assertThat(base.withPrefix("redisha").validate())
        .containsExactly("etcd.prefix: 'redisha' must start with /");
    assertThat(base.withPrefix("/redisha/").validate())
        .containsExactly("etcd.prefix: '/redisha/' must not end with / (it is joined with one)");
    assertThat(base.withPrefix("/").validate())
        .containsExactly("etcd.prefix: '/' is the whole key space; use a name such as /redisha");
    assertThat(base.withPrefix("/red isha").validate())
        .containsExactly("etcd.prefix: must not contain spaces or control characters");
    assertThat(base.withCallTimeout(Duration.ofMillis(5)).validate())
        .containsExactly("etcd.callTimeoutMillis: 5 ms must be between 20 ms and 10 s");
    assertThat(base.withCallTimeout(Duration.ofSeconds(11)).validate())
        .containsExactly("etcd.callTimeoutMillis: 11000 ms must be between 20 ms and 10 s");
  }

  @Test
  void aCallMustEndBeforeTheNextRenewalIsDue() {
    FenceTiming timing = FenceTiming.of(Duration.ofMillis(100), Duration.ofMillis(100));
    assertThat(
            EtcdSettings.of(List.of(ONE))
                .withCallTimeout(Duration.ofSeconds(2))
                .timingProblems(timing))
        .containsExactly(
            "etcd.callTimeoutMillis: 2000 ms must be at most the lease renewal interval of this pair ("
                + timing.renewInterval().toMillis()
                + " ms)");
  }

  @Test
  void credentialsComeInPairs() {
    EtcdSettings base = EtcdSettings.of(List.of(ONE));
    assertThat(base.withCredentials("agent", null).validate())
        .containsExactly("etcd.password: missing for etcd.username 'agent'");
    assertThat(base.withCredentials(null, "pw").validate())
        .containsExactly("etcd.password: set without etcd.username");
    assertThat(base.withCredentials(" ", "pw").validate())
        .containsExactly("etcd.username: must not be blank (leave it out when etcd's auth is off)");
    assertThat(base.withCredentials("agent", "pw").validate()).isEmpty();
  }

  @Test
  void tlsFilesNeedHttpsAndComeInPairs() {
    Path file = Path.of("/etc/redisha/etcd.pem");
    EtcdSettings plain = EtcdSettings.of(List.of(ONE));
    assertThat(plain.withTls(file, null, null).validate())
        .containsExactly("etcd.caFile: set, but no endpoint uses https://");
    EtcdSettings tls = EtcdSettings.of(List.of(URI.create("https://198.51.100.11:2379")));
    assertThat(tls.withTls(file, null, null).validate()).isEmpty();
    assertThat(tls.withTls(null, file, null).validate())
        .containsExactly("etcd.keyFile: missing; etcd.certFile is set and needs its private key");
    assertThat(tls.withTls(null, null, file).validate())
        .containsExactly("etcd.certFile: missing; etcd.keyFile is set and needs its certificate");
  }

  @Test
  void thePasswordStaysOutOfToString() {
    String text = EtcdSettings.of(List.of(ONE)).withCredentials("agent", "s3cret").toString();
    assertThat(text).contains("username=agent").contains("password=***").doesNotContain("s3cret");
  }
}
