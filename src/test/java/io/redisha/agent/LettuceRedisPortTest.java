package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.clock.ExecutorScheduler;
import io.redisha.redis.AgentAcl;
import io.redisha.redis.RedisAccess;
import io.redisha.redis.RedisNode;
import io.redisha.redis.RedisRefusedException;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.WriteFence;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A command Redis refuses is sent again only after a back-off (1 s doubling to 10 s) and answered
 * from memory meanwhile, without holding back the other commands; its next success clears it. New
 * credentials that do not log in yet leave the node as it was and are tried again.
 */
class LettuceRedisPortTest {
  static final String NOPERM =
      "Redis 127.0.0.1:6379: refused CONFIG SET: NOPERM; grant +config|set to user redisha";

  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final ExecutorScheduler scheduler = new ExecutorScheduler("port-test");
  final FakeNode node = new FakeNode();
  final LettuceRedisPort port = new LettuceRedisPort("a-local", scheduler, now::get);

  {
    port.attach(node);
  }

  @AfterEach
  void close() {
    port.close();
    scheduler.close();
  }

  @Test
  void aRefusedCommandWaitsOutItsBackOffWhileTheOthersGoOn() throws Exception {
    node.configSetAllowed = false;

    assertThat(follow()).isEqualTo(NOPERM);
    assertThat(node.follows).hasValue(1);
    assertThat(port.refusal()).isEqualTo(NOPERM);

    assertThat(follow()).as("answered from memory").isEqualTo(NOPERM);
    assertThat(node.follows).hasValue(1);
    assertThat(check().ok()).as("checks go on").isTrue();
    assertThat(promote()).as("so does REPLICAOF NO ONE").isNull();

    List<Long> sentAfterMillis = List.of(1000L, 2000L, 4000L, 8000L, 10_000L, 10_000L);
    for (long wait : sentAfterMillis) {
      int before = node.follows.get();
      advance(wait - 1);
      assertThat(follow()).isEqualTo(NOPERM);
      assertThat(node.follows).as("not yet, %s ms back-off", wait).hasValue(before);
      advance(1);
      assertThat(follow()).isEqualTo(NOPERM);
      assertThat(node.follows).as("sent again after %s ms", wait).hasValue(before + 1);
    }

    node.configSetAllowed = true;
    advance(10_000);
    assertThat(follow()).isNull();
    assertThat(port.refusal()).isNull();
    assertThat(follow()).isNull();
    assertThat(node.follows)
        .as("sent every time once allowed")
        .hasValue(sentAfterMillis.size() + 3);
  }

  @Test
  void aGrantedConfigSetIsNoticedWithoutAnyFollow() throws Exception {
    node.configSetAllowed = false;
    assertThat(follow()).isEqualTo(NOPERM);

    assertThat(check().ok()).isTrue();
    assertThat(node.replicationConfigured).as("not probed before the back-off").hasValue(0);
    advance(1000);
    assertThat(check().ok()).isTrue();
    assertThat(node.replicationConfigured).as("probed once the back-off passed").hasValue(1);
    assertThat(port.refusal()).isEqualTo(NOPERM);
    assertThat(check().ok()).isTrue();
    assertThat(node.replicationConfigured).as("then after the doubled back-off").hasValue(1);

    node.configSetAllowed = true;
    advance(2000);
    assertThat(check().ok()).isTrue();
    assertThat(node.replicationConfigured).hasValue(2);
    assertThat(port.refusal()).as("the grant shows without a demotion").isNull();
    assertThat(node.follows).hasValue(1);
  }

  @Test
  void newCredentialsThatDoNotLogInYetKeepTheOldOnesAndAreTriedAgain() throws Exception {
    RedisAccess next = RedisAccess.password(Optional.of("new"));
    node.acceptedPassword = "old";

    port.updateAccess(next, true);
    assertThat(check().ok()).as("still logged in with the old password").isTrue();
    assertThat(port.refusal())
        .startsWith(
            "new Redis credentials not accepted yet, still logged in with the previous ones")
        .contains("WRONGPASS");
    int attempts = node.updates.get();

    advance(500);
    check();
    assertThat(node.updates).as("not before the back-off").hasValue(attempts);

    node.acceptedPassword = "new";
    advance(500);
    assertThat(check().ok()).isTrue();
    assertThat(node.updates).hasValue(attempts + 1);
    assertThat(node.access).isEqualTo(next);
    assertThat(port.refusal()).isNull();
    assertThat(node.replicationConfigured).as("masterauth follows the new password").hasValue(1);
  }

  void advance(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  String follow() throws Exception {
    return call(done -> port.follow("192.0.2.12", 6379, done));
  }

  String promote() throws Exception {
    return call(port::promote);
  }

  RedisPort.CheckResult check() throws Exception {
    CompletableFuture<RedisPort.CheckResult> result = new CompletableFuture<>();
    port.check(Duration.ofMillis(250), result::complete);
    return result.get(5, TimeUnit.SECONDS);
  }

  static String call(Consumer<Consumer<String>> command) throws Exception {
    CompletableFuture<Optional<String>> result = new CompletableFuture<>();
    command.accept(error -> result.complete(Optional.ofNullable(error)));
    return result.get(5, TimeUnit.SECONDS).orElse(null);
  }

  /** A Redis that refuses CONFIG SET, or a password, on demand. */
  static final class FakeNode implements RedisNode {
    volatile boolean configSetAllowed = true;
    volatile String acceptedPassword;
    volatile RedisAccess access = RedisAccess.password(Optional.of("old"));
    final AtomicInteger follows = new AtomicInteger();
    final AtomicInteger updates = new AtomicInteger();
    final AtomicInteger replicationConfigured = new AtomicInteger();

    @Override
    public ReplicationInfo check(Duration timeout) {
      return new ReplicationInfo(
          ReplicationInfo.Role.MASTER,
          "run",
          1,
          "a".repeat(40),
          ReplicationInfo.NO_REPL_ID,
          0,
          -1,
          OptionalLong.of(0),
          Optional.empty(),
          List.of());
    }

    @Override
    public void promote() {}

    @Override
    public void follow(String host, int port) {
      follows.incrementAndGet();
      if (!configSetAllowed) {
        throw new RedisRefusedException(AgentAcl.CONFIG_SET, NOPERM, null);
      }
    }

    @Override
    public void configureReplication() {
      replicationConfigured.incrementAndGet();
      if (!configSetAllowed) {
        throw new RedisRefusedException(AgentAcl.CONFIG_SET, NOPERM, null);
      }
    }

    @Override
    public void updateAccess(RedisAccess next) {
      updates.incrementAndGet();
      if (!next.password().orElse("").equals(acceptedPassword)) {
        throw new RedisRefusedException(
            AgentAcl.AUTH,
            "Redis 127.0.0.1:6379: refused AUTH as user default: WRONGPASS invalid"
                + " username-password pair or user is disabled",
            null);
      }
      access = next;
    }

    @Override
    public void setWriteFence(WriteFence.Setting setting) {}

    @Override
    public long killNormalClients() {
      return 0;
    }

    @Override
    public void pauseWrites(Duration duration) {}

    @Override
    public void unpause() {}

    @Override
    public void close() {}
  }
}
