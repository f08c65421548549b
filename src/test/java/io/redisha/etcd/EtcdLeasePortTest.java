package io.redisha.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.LeasePort.Conflict;
import io.redisha.arbiter.LeasePort.Failed;
import io.redisha.arbiter.LeasePort.Found;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import io.redisha.arbiter.LeasePort.NotFound;
import io.redisha.arbiter.LeasePort.Result;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.etcd.FakeEtcd.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port's JSON and its handling of members that fail, against scripted members on loopback. The
 * semantics against a real three-member cluster are {@code EtcdLeasePortIT}'s.
 */
class EtcdLeasePortTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER =
      "\"header\":{\"cluster_id\":\"2037210783374497686\",\"member_id\":\"13195394291058371180\","
          + "\"revision\":\"%s\",\"raft_term\":\"2\"}";
  private static final String KEY = "/redisha/pair/a";

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private ExecutorScheduler scheduler;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    scheduler = new ExecutorScheduler("etcd-port-test");
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : toClose.reversed()) {
      closeable.close();
    }
    scheduler.close();
  }

  private record Delivery(Result result, String thread, long millis) {}

  private static Delivery await(Consumer<Consumer<Result>> call) throws Exception {
    CompletableFuture<Delivery> delivery = new CompletableFuture<>();
    long start = System.nanoTime();
    call.accept(
        result ->
            delivery.complete(
                new Delivery(
                    result,
                    Thread.currentThread().getName(),
                    (System.nanoTime() - start) / 1_000_000)));
    return delivery.get(20, TimeUnit.SECONDS);
  }

  private FakeEtcd fake() throws IOException {
    FakeEtcd fake = new FakeEtcd();
    toClose.add(fake);
    return fake;
  }

  private EtcdLeasePort port(EtcdSettings settings) {
    EtcdGateway gateway = EtcdGateway.open(settings);
    EtcdLeasePort port = new EtcdLeasePort(gateway, "pair", "a", scheduler);
    toClose.add(gateway);
    toClose.add(port::close);
    return port;
  }

  /**
   * A port for the tests of what is sent and answered, not of timing: a call timeout long enough
   * that a loaded machine's first HTTP exchange (class loading, the fake's own thread) fits in it.
   */
  private EtcdLeasePort port(URI... endpoints) {
    return port(EtcdSettings.of(List.of(endpoints)).withCallTimeout(Duration.ofSeconds(5)));
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String kv(String holder, String modRevision) {
    String value =
        "{\"holder\":\""
            + holder
            + "\",\"durationSeconds\":4,\"renewEpochMillis\":1767225600123,"
            + "\"transitions\":3}";
    return "{\"key\":\""
        + b64(KEY)
        + "\",\"create_revision\":\"2\",\"mod_revision\":\""
        + modRevision
        + "\",\"version\":\"5\",\"value\":\""
        + b64(value)
        + "\",\"lease\":\"7668682595718763272\"}";
  }

  private static Answer rangeAnswer(String... kvs) {
    String body =
        kvs.length == 0
            ? "{" + HEADER.formatted("7") + "}"
            : "{"
                + HEADER.formatted("7")
                + ",\"kvs\":["
                + String.join(",", kvs)
                + "],\"count\":\""
                + kvs.length
                + "\"}";
    return Answer.ok(body);
  }

  private static Answer granted(String id) {
    return Answer.ok("{" + HEADER.formatted("1") + ",\"ID\":\"" + id + "\",\"TTL\":\"8\"}");
  }

  private static Answer committed(String revision) {
    return Answer.ok(
        "{"
            + HEADER.formatted(revision)
            + ",\"succeeded\":true,\"responses\":[{\"response_put\":{\"header\":{\"revision\":\""
            + revision
            + "\"}}}]}");
  }

  /** etcd leaves {@code succeeded} out when it is false. */
  private static Answer compareFailed(String... kvs) {
    String range =
        kvs.length == 0
            ? "{\"header\":{\"revision\":\"9\"}}"
            : "{\"header\":{\"revision\":\"9\"},\"kvs\":["
                + String.join(",", kvs)
                + "],"
                + "\"count\":\"1\"}";
    return Answer.ok(
        "{" + HEADER.formatted("9") + ",\"responses\":[{\"response_range\":" + range + "}]}");
  }

  private static URI refusing() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  /** Accepts connections and never answers: a member whose process hangs. */
  private URI swallowing() throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> accepted = new ArrayList<>();
    Thread acceptor =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      accepted.add(socket.accept());
                    }
                  } catch (IOException closed) {
                    // the test is over
                  }
                });
    toClose.add(
        () -> {
          socket.close();
          acceptor.join();
          for (Socket s : accepted) {
            s.close();
          }
        });
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  @Test
  void getSendsTheKeyInBase64AndReadsSixtyFourBitNumbersFromStrings() throws Exception {
    FakeEtcd etcd = fake().answering(request -> rangeAnswer(kv("vm-a", "9007199254740993")));

    Delivery got = await(port(etcd.uri())::get);

    assertThat(etcd.requests()).extracting(FakeEtcd.Request::path).containsExactly("/v3/kv/range");
    assertThat(etcd.requests().getFirst().body().path("key").asText()).isEqualTo(b64(KEY));
    assertThat(got.result())
        .isEqualTo(new Found(new LeaseRecord("vm-a", 4, 1767225600123L, 3, "9007199254740993")));
    assertThat(got.thread()).as("delivered on the guard's scheduler").isEqualTo("etcd-port-test");
  }

  @Test
  void aMissingKeyIsNotFound() throws Exception {
    FakeEtcd etcd = fake().answering(request -> rangeAnswer());
    assertThat(await(port(etcd.uri())::get).result()).isInstanceOf(NotFound.class);
  }

  @Test
  void createIsATransactionOnCreateRevisionZeroBoundToALeaseOfTwiceTheDuration() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    switch (request.path()) {
                      case "/v3/lease/grant" -> granted("7668682595718763272");
                      case "/v3/kv/txn" -> committed("42");
                      default -> Answer.error(404, 5, "unexpected");
                    });

    Delivery created =
        await(done -> port(etcd.uri()).create(new LeaseRecord("vm-a", 4, 1000, 0, null), done));

    assertThat(created.result()).isEqualTo(new Found(new LeaseRecord("vm-a", 4, 1000, 0, "42")));
    JsonNode grant = etcd.requests("/v3/lease/grant").getFirst().body();
    assertThat(grant.path("TTL").asText()).isEqualTo("8");
    JsonNode txn = etcd.requests("/v3/kv/txn").getFirst().body();
    JsonNode compare = txn.path("compare").path(0);
    assertThat(compare.path("key").asText()).isEqualTo(b64(KEY));
    assertThat(compare.path("target").asText()).isEqualTo("CREATE");
    assertThat(compare.path("result").asText()).isEqualTo("EQUAL");
    assertThat(compare.path("create_revision").asText()).isEqualTo("0");
    JsonNode put = txn.path("success").path(0).path("request_put");
    assertThat(put.path("lease").asText()).isEqualTo("7668682595718763272");
    JsonNode value = JSON.readTree(Base64.getDecoder().decode(put.path("value").asText()));
    assertThat(value.path("holder").asText()).isEqualTo("vm-a");
    assertThat(value.path("durationSeconds").asInt()).isEqualTo(4);
    assertThat(value.path("renewEpochMillis").asLong()).isEqualTo(1000);
    assertThat(value.path("transitions").asInt()).isZero();
    assertThat(txn.path("failure").path(0).path("request_range").path("key").asText())
        .isEqualTo(b64(KEY));
  }

  @Test
  void updateComparesTheModRevisionAndReusesTheLeaseUntilAQuarterOfItsTtlHasPassed()
      throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    switch (request.path()) {
                      case "/v3/lease/grant" -> granted("99");
                      case "/v3/kv/txn" -> committed("43");
                      default -> Answer.error(404, 5, "unexpected");
                    });
    EtcdLeasePort port = port(etcd.uri());

    await(done -> port.create(new LeaseRecord("vm-a", 4, 1000, 0, null), done));
    Delivery renewed = await(done -> port.update(new LeaseRecord("vm-a", 4, 2000, 0, "42"), done));

    assertThat(renewed.result()).isEqualTo(new Found(new LeaseRecord("vm-a", 4, 2000, 0, "43")));
    assertThat(etcd.requests())
        .extracting(FakeEtcd.Request::path)
        .containsExactly("/v3/lease/grant", "/v3/kv/txn", "/v3/kv/txn");
    JsonNode compare = etcd.requests("/v3/kv/txn").get(1).body().path("compare").path(0);
    assertThat(compare.path("target").asText()).isEqualTo("MOD");
    assertThat(compare.path("mod_revision").asText()).isEqualTo("42");
  }

  @Test
  void theEtcdLeaseIsKeptAliveAfterAWriteOnceAQuarterOfItsTtlHasPassedAndReplacedWhenEtcdForgotIt()
      throws Exception {
    AtomicInteger keepAlives = new AtomicInteger();
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    switch (request.path()) {
                      case "/v3/lease/grant" -> granted("77");
                      case "/v3/kv/txn" -> committed("50");
                      // etcd's keep-alive is a stream; the gateway sends one result and ends it.
                      // A lease etcd no longer has comes back without a TTL.
                      case "/v3/lease/keepalive" ->
                          Answer.ok(
                              keepAlives.incrementAndGet() == 1
                                  ? "{\"result\":{"
                                      + HEADER.formatted("50")
                                      + ",\"ID\":\"77\",\"TTL\":\"2\"}}"
                                  : "{\"result\":{" + HEADER.formatted("50") + ",\"ID\":\"77\"}}");
                      default -> Answer.error(404, 5, "unexpected");
                    });
    EtcdLeasePort port = port(etcd.uri());
    // durationSeconds 1: TTL 2 s, kept alive once 500 ms have passed since the last refresh.
    await(done -> port.create(new LeaseRecord("vm-a", 1, 1, 0, null), done));
    await(done -> port.update(new LeaseRecord("vm-a", 1, 2, 0, "50"), done));
    Thread.sleep(600);
    await(done -> port.update(new LeaseRecord("vm-a", 1, 3, 0, "50"), done));
    Thread.sleep(600);
    await(done -> port.update(new LeaseRecord("vm-a", 1, 4, 0, "50"), done));
    Thread.sleep(100); // the keep-alive after the last update
    await(done -> port.update(new LeaseRecord("vm-a", 1, 5, 0, "50"), done));

    // The keep-alive follows the write that found it due, so a write is one round trip.
    assertThat(etcd.requests())
        .extracting(FakeEtcd.Request::path)
        .containsExactly(
            "/v3/lease/grant",
            "/v3/kv/txn",
            "/v3/kv/txn",
            "/v3/kv/txn",
            "/v3/lease/keepalive",
            "/v3/kv/txn",
            "/v3/lease/keepalive",
            "/v3/lease/grant",
            "/v3/kv/txn");
    assertThat(etcd.requests("/v3/lease/grant").getFirst().body().path("TTL").asText())
        .isEqualTo("2");
    assertThat(etcd.requests("/v3/lease/keepalive").getFirst().body().path("ID").asText())
        .isEqualTo("77");
  }

  @Test
  void aFailedCompareIsAConflictThatNamesTheHolder() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    request.path().equals("/v3/lease/grant")
                        ? granted("5")
                        : compareFailed(kv("vm-b", "17")));

    Delivery refused =
        await(done -> port(etcd.uri()).update(new LeaseRecord("vm-a", 4, 1, 1, "16"), done));

    assertThat(refused.result()).isInstanceOf(Conflict.class);
    assertThat(((Conflict) refused.result()).detail())
        .isEqualTo("key /redisha/pair/a is at revision 17, held by vm-b");
  }

  @Test
  void aFailedCompareThatFindsOurOwnRecordIsOurWriteAlreadyCommitted() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    request.path().equals("/v3/lease/grant")
                        ? granted("5")
                        : compareFailed(kv("vm-a", "17")));
    LeaseRecord ours = new LeaseRecord("vm-a", 4, 1767225600123L, 3, "16");

    Delivery renewed = await(done -> port(etcd.uri()).update(ours, done));

    assertThat(renewed.result()).isInstanceOf(Found.class);
    assertThat(((Found) renewed.result()).lease().resourceVersion()).isEqualTo("17");
    Delivery other =
        await(
            done ->
                port(etcd.uri()).update(new LeaseRecord("vm-a", 4, 1767225600999L, 3, "16"), done));
    assertThat(other.result())
        .as("the same holder with another renew time is not our write")
        .isInstanceOf(Conflict.class);
  }

  @Test
  void updatingAKeyThatVanishedIsNotFound() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    request.path().equals("/v3/lease/grant") ? granted("5") : compareFailed());
    Delivery gone =
        await(done -> port(etcd.uri()).update(new LeaseRecord("vm-a", 4, 1, 1, "16"), done));
    assertThat(gone.result()).isInstanceOf(NotFound.class);
  }

  @Test
  void anEtcdLeaseThatRanOutIsReplacedOnce() throws Exception {
    AtomicInteger grants = new AtomicInteger();
    AtomicInteger txns = new AtomicInteger();
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    switch (request.path()) {
                      case "/v3/lease/grant" -> granted(Integer.toString(grants.incrementAndGet()));
                      case "/v3/kv/txn" ->
                          txns.incrementAndGet() == 1
                              ? Answer.error(404, 5, "etcdserver: requested lease not found")
                              : committed("8");
                      default -> Answer.error(404, 5, "unexpected");
                    });

    Delivery created =
        await(done -> port(etcd.uri()).create(new LeaseRecord("vm-a", 4, 1, 0, null), done));

    assertThat(created.result()).isInstanceOf(Found.class);
    assertThat(etcd.requests("/v3/kv/txn"))
        .extracting(
            r -> r.body().path("success").path(0).path("request_put").path("lease").asText())
        .containsExactly("1", "2");
  }

  @Test
  void aRefusingMemberIsSkippedAndTheOneThatAnsweredIsAskedFirstNextTime() throws Exception {
    FakeEtcd etcd = fake().answering(request -> rangeAnswer(kv("vm-a", "3")));
    URI dead = refusing();
    EtcdGateway gateway = EtcdGateway.open(EtcdSettings.of(List.of(dead, etcd.uri())));
    toClose.add(gateway);
    EtcdLeasePort port = new EtcdLeasePort(gateway, "pair", "a", scheduler);
    toClose.add(port::close);

    assertThat(await(port::get).result()).isInstanceOf(Found.class);
    assertThat(gateway.preferredEndpoint()).isEqualTo(etcd.uri());
    assertThat(await(port::get).result()).isInstanceOf(Found.class);
    assertThat(etcd.requests()).hasSize(2);
  }

  @Test
  void aMemberThatSwallowsRequestsCostsOnlyItsShareOfTheCallTimeout() throws Exception {
    FakeEtcd etcd = fake().answering(request -> rangeAnswer(kv("vm-a", "3")));
    EtcdLeasePort port =
        port(
            EtcdSettings.of(List.of(swallowing(), etcd.uri()))
                .withCallTimeout(Duration.ofMillis(600)));

    Delivery got = await(port::get);

    System.out.println(
        "FIGURE fake: first member silent, answer from the second after "
            + got.millis()
            + " ms (call timeout 600 ms, share 300 ms)");
    assertThat(got.result()).isInstanceOf(Found.class);
    assertThat(got.millis()).isBetween(290L, 600L);
  }

  @Test
  void noMemberAnsweringFailsWithinTheCallTimeoutWithOneLine() throws Exception {
    URI first = swallowing();
    URI second = swallowing();
    EtcdLeasePort port =
        port(EtcdSettings.of(List.of(first, second)).withCallTimeout(Duration.ofMillis(300)));

    Delivery failed = await(port::get);

    System.out.println(
        "FIGURE fake: two silent members, Failed after "
            + failed.millis()
            + " ms (call timeout 300 ms): "
            + failed.result());
    assertThat(failed.result()).isInstanceOf(Failed.class);
    String error = ((Failed) failed.result()).error();
    assertThat(error)
        .doesNotContain("\n")
        .startsWith("no etcd member answered /v3/kv/range within")
        .contains(first.getAuthority() + " gave no answer")
        .contains(second.getAuthority() + " gave no answer");
    assertThat(failed.millis()).isLessThan(300 + 150);
  }

  @Test
  void anUnavailableAnswerMovesOnToTheNextMember() throws Exception {
    FakeEtcd leaderless =
        fake().answering(request -> Answer.error(503, 14, "etcdserver: leader changed"));
    FakeEtcd healthy = fake().answering(request -> rangeAnswer(kv("vm-a", "3")));

    Delivery got = await(port(leaderless.uri(), healthy.uri())::get);

    assertThat(got.result()).isInstanceOf(Found.class);
    assertThat(leaderless.requests()).hasSize(1);
    assertThat(healthy.requests()).hasSize(1);
  }

  @Test
  void aDefinitiveErrorIsTheAnswerWithoutAskingTheOthers() throws Exception {
    FakeEtcd denying =
        fake().answering(request -> Answer.error(403, 7, "etcdserver: permission denied"));
    FakeEtcd other = fake().answering(request -> rangeAnswer());

    Delivery got = await(port(denying.uri(), other.uri())::get);

    assertThat(got.result())
        .isEqualTo(
            new Failed("etcd " + denying.uri().getAuthority() + ": etcdserver: permission denied"));
    assertThat(other.requests()).isEmpty();
  }

  @Test
  void somethingOtherThanEtcdIsSkippedAndNamed() throws Exception {
    FakeEtcd web = fake().answering(request -> new Answer(404, "<html>Not Found</html>"));

    Delivery got = await(port(web.uri())::get);

    assertThat(((Failed) got.result()).error())
        .contains("answered 404 without etcd JSON (<html>Not Found</html>)")
        .contains("is it an etcd 3.4+ client URL?");
  }

  @Test
  void anExpiredTokenIsReplacedAndTheCallRepeatedOnce() throws Exception {
    AtomicInteger tokens = new AtomicInteger();
    FakeEtcd etcd =
        fake()
            .answering(
                request -> {
                  if (request.path().equals("/v3/auth/authenticate")) {
                    assertThat(request.body().path("name").asText()).isEqualTo("agent");
                    assertThat(request.body().path("password").asText()).isEqualTo("s3cret");
                    return Answer.ok(
                        "{"
                            + HEADER.formatted("1")
                            + ",\"token\":\"t"
                            + tokens.incrementAndGet()
                            + "\"}");
                  }
                  return "t2".equals(request.authorization())
                      ? rangeAnswer(kv("vm-a", "3"))
                      : Answer.error(401, 16, "etcdserver: invalid auth token");
                });

    Delivery got =
        await(port(EtcdSettings.of(List.of(etcd.uri())).withCredentials("agent", "s3cret"))::get);

    assertThat(got.result()).isInstanceOf(Found.class);
    assertThat(etcd.requests())
        .extracting(FakeEtcd.Request::path, FakeEtcd.Request::authorization)
        .containsExactly(
            tuple("/v3/auth/authenticate", null),
            tuple("/v3/kv/range", "t1"),
            tuple("/v3/auth/authenticate", null),
            tuple("/v3/kv/range", "t2"));
  }

  @Test
  void aRefusedPasswordNamesTheField() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    Answer.error(
                        400, 3, "etcdserver: authentication failed, invalid user ID or password"));

    Delivery got =
        await(port(EtcdSettings.of(List.of(etcd.uri())).withCredentials("agent", "wrong"))::get);

    assertThat(((Failed) got.result()).error())
        .isEqualTo(
            "etcd.username: "
                + etcd.uri().getAuthority()
                + " refused user 'agent': etcdserver: authentication failed, invalid user ID or"
                + " password");
  }

  @Test
  void aValueThatIsNotALeaseRecordFails() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    rangeAnswer(
                        "{\"key\":\""
                            + b64(KEY)
                            + "\",\"mod_revision\":\"4\",\"value\":\""
                            + b64("hello")
                            + "\"}"));

    Delivery got = await(port(etcd.uri())::get);

    assertThat(((Failed) got.result()).error())
        .isEqualTo(
            "key /redisha/pair/a holds something other than a redisha lease record; is"
                + " etcd.prefix shared with another program?");
  }

  @Test
  void aFreeRecordIsStoredWithoutAHolder() throws Exception {
    byte[] value = EtcdLeasePort.value(new LeaseRecord(null, 4, 5, 2, "9"));
    assertThat(new String(value, StandardCharsets.UTF_8))
        .isEqualTo("{\"durationSeconds\":4,\"renewEpochMillis\":5,\"transitions\":2}");
  }

  @Test
  void tlsFilesThatCannotBeUsedNameTheirField() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    Path pkcs1 =
        Files.writeString(
            dir.resolve("key.pem"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    List<URI> https = List.of(URI.create("https://198.51.100.11:2379"));

    assertThatThrownBy(() -> EtcdGateway.open(EtcdSettings.of(https).withTls(notPem, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("etcd.caFile: " + notPem + " is not a PEM certificate file");
    assertThatThrownBy(() -> EtcdGateway.open(EtcdSettings.of(https).withTls(null, notPem, pkcs1)))
        .hasMessageStartingWith("etcd.certFile: ");
    assertThatThrownBy(
            () ->
                EtcdGateway.open(
                    EtcdSettings.of(https).withTls(null, dir.resolve("missing.pem"), pkcs1)))
        .hasMessageStartingWith("etcd.certFile: cannot read ");
    assertThatThrownBy(() -> EtcdGateway.open(EtcdSettings.of(List.of(URI.create("ftp://x")))))
        .hasMessage("etcd.endpoints[0]: 'ftp://x' must start with http:// or https://");
  }

  @Test
  void aPortClosedWhileACallIsOutDeliversNothing() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request -> {
                  try {
                    Thread.sleep(300);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return rangeAnswer();
                });
    EtcdLeasePort port = port(etcd.uri());
    CompletableFuture<Result> delivered = new CompletableFuture<>();
    port.get(delivered::complete);
    port.close();
    Thread.sleep(600);
    assertThat(delivered).isNotDone();
    port.get(delivered::complete);
    Thread.sleep(100);
    assertThat(delivered).isNotDone();
  }

  /** A record with the holder and fields {@link #kv} writes, as a LeaseRecord to write. */
  private static LeaseRecord asWritten(String holder, String revision) {
    return new LeaseRecord(holder, 4, 1767225600123L, 3, revision);
  }

  @Test
  void aRetriedWriteThatFindsItsOwnRecordIsFoundNotAConflict() throws Exception {
    // The first try was applied and its answer lost: the try on the next member fails its compare
    // and reads back exactly what this call wrote.
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    request.path().equals("/v3/lease/grant")
                        ? granted("5")
                        : compareFailed(kv("vm-a", "17")));

    Delivery written = await(done -> port(etcd.uri()).update(asWritten("vm-a", "16"), done));

    assertThat(written.result()).isEqualTo(new Found(asWritten("vm-a", "17")));
    assertThat(etcd.requests("/v3/kv/txn")).hasSize(1);
  }

  @Test
  void anEarlierWriteOfOursThatCameThroughLateIsWrittenAgainOnItsRevision() throws Exception {
    // The key holds a record of ours from an earlier call that failed for us: its commit proves
    // nothing about now, so the port writes again, comparing with that revision.
    AtomicInteger txns = new AtomicInteger();
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    switch (request.path()) {
                      case "/v3/lease/grant" -> granted("5");
                      case "/v3/kv/txn" ->
                          txns.incrementAndGet() == 1
                              ? compareFailed(kv("vm-a", "17"))
                              : committed("18");
                      default -> Answer.error(404, 5, "unexpected");
                    });

    LeaseRecord renewal = new LeaseRecord("vm-a", 4, 1767225601000L, 3, "16");
    Delivery written = await(done -> port(etcd.uri()).update(renewal, done));

    assertThat(written.result())
        .isEqualTo(new Found(new LeaseRecord("vm-a", 4, 1767225601000L, 3, "18")));
    List<FakeEtcd.Request> writes = etcd.requests("/v3/kv/txn");
    assertThat(writes)
        .extracting(r -> r.body().path("compare").path(0).path("mod_revision").asText())
        .containsExactly("16", "17");
  }

  @Test
  void aRecordOfTheOtherNodeStaysAConflictAndIsNotWrittenAgain() throws Exception {
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    request.path().equals("/v3/lease/grant")
                        ? granted("5")
                        : compareFailed(kv("vm-b", "17")));
    Delivery refused =
        await(
            done ->
                port(etcd.uri()).update(new LeaseRecord("vm-a", 4, 1767225601000L, 3, "16"), done));
    assertThat(refused.result()).isInstanceOf(Conflict.class);
    assertThat(etcd.requests("/v3/kv/txn")).hasSize(1);
  }

  @Test
  void aWriteAfterAQuietSpellTakesANewLeaseFirstSoTheKeyOutlivesTheHold() throws Exception {
    AtomicInteger grants = new AtomicInteger();
    FakeEtcd etcd =
        fake()
            .answering(
                request ->
                    switch (request.path()) {
                      case "/v3/lease/grant" -> granted(Integer.toString(grants.incrementAndGet()));
                      case "/v3/kv/txn" -> committed("50");
                      default -> Answer.error(404, 5, "unexpected");
                    });
    EtcdLeasePort port = port(etcd.uri());
    // durationSeconds 1: TTL 2 s; a write more than 1 s after the last refresh needs a new lease.
    await(done -> port.create(new LeaseRecord("vm-a", 1, 1, 0, null), done));
    Thread.sleep(1100);
    await(done -> port.update(new LeaseRecord("vm-a", 1, 2, 0, "50"), done));

    assertThat(etcd.requests())
        .extracting(FakeEtcd.Request::path)
        .startsWith("/v3/lease/grant", "/v3/kv/txn", "/v3/lease/grant", "/v3/kv/txn");
    assertThat(etcd.requests("/v3/kv/txn"))
        .extracting(
            r -> r.body().path("success").path(0).path("request_put").path("lease").asText())
        .containsExactly("1", "2");
  }

  @Test
  void aSlowButHealthyFirstMemberHasHalfTheCallTimeoutToAnswer() throws Exception {
    // With equal shares a member needing 200 ms would fail every call of 500 ms over three members.
    FakeEtcd slow =
        fake()
            .answering(
                request -> {
                  try {
                    Thread.sleep(200);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return rangeAnswer(kv("vm-a", "3"));
                });
    EtcdLeasePort port =
        port(
            EtcdSettings.of(List.of(slow.uri(), swallowing(), swallowing()))
                .withCallTimeout(Duration.ofMillis(500)));

    Delivery got = await(port::get);

    System.out.println(
        "FIGURE fake: first of three members answers in 200 ms (call timeout 500 ms): "
            + got.result().getClass().getSimpleName()
            + " after "
            + got.millis()
            + " ms");
    assertThat(got.result()).isInstanceOf(Found.class);
    assertThat(slow.requests()).hasSize(1);
  }

  @Test
  void describeNamesTheKey() {
    LeasePort port = port(URI.create("http://198.51.100.11:2379"));
    assertThat(port.describe()).isEqualTo("etcd /redisha/pair/a");
  }
}
