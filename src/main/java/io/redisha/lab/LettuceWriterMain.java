package io.redisha.lab;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link LettuceVipWriter} runs in a lab host's namespace: a service's Redis client as
 * services run it, lettuce with its default settings (auto-reconnect with its default backoff, 10 s
 * connect timeout, 60 s command timeout, commands queued while disconnected), writing {@code SET
 * <prefix>:<seq> <seq>} through the VIP with the synchronous API, one write at a time, every
 * period. It appends one line per event to the ack file:
 *
 * <ul>
 *   <li>{@code start <nanos>} once connected the first time,
 *   <li>{@code ack <seq> <nanos>} when Redis answered OK,
 *   <li>{@code error <nanos> <text>} when a write failed with an error unlike the previous one.
 * </ul>
 *
 * Times are {@code System.nanoTime()}, the machine's monotonic clock, which the parent process
 * reads too. A process of its own, so that every thread lettuce and netty make is in the lab
 * namespace and no socket can open on the machine's own network.
 */
public final class LettuceWriterMain {
  private LettuceWriterMain() {}

  /** {@code <vip> <port> <prefix> <periodMillis> <ackFile>}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: LettuceWriterMain <vip> <port> <prefix> <periodMillis> <ackFile>");
      System.exit(2);
    }
    String vip = args[0];
    int port = Integer.parseInt(args[1]);
    String prefix = args[2];
    long periodNanos = Long.parseLong(args[3]) * 1_000_000L;
    Path ackFile = Path.of(args[4]);
    WriteLog keys = new WriteLog(prefix);
    RedisClient client = RedisClient.create(RedisURI.Builder.redis(vip, port).build());
    try (BufferedWriter out =
        Files.newBufferedWriter(
            ackFile,
            StandardCharsets.US_ASCII,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      StatefulRedisConnection<String, String> connection = connect(client, out);
      RedisCommands<String, String> commands = connection.sync();
      String previousError = null;
      long seq = 0;
      long next = System.nanoTime();
      while (true) {
        long now = System.nanoTime();
        if (now < next) {
          LockSupport.parkNanos(next - now);
          continue;
        }
        next = Math.max(next + periodNanos, now);
        seq++;
        try {
          String reply = commands.set(keys.key(seq), Long.toString(seq));
          if ("OK".equals(reply)) {
            out.write("ack " + seq + " " + System.nanoTime() + "\n");
            out.flush();
          }
          previousError = null;
        } catch (RedisException e) {
          String text = String.valueOf(e.getMessage()).replace('\n', ' ');
          if (!text.equals(previousError)) {
            out.write("error " + System.nanoTime() + " " + text + "\n");
            out.flush();
            previousError = text;
          }
        }
      }
    }
  }

  /** The first connection: lettuce reconnects by itself only once it was connected. */
  private static StatefulRedisConnection<String, String> connect(
      RedisClient client, BufferedWriter out) throws IOException {
    while (true) {
      try {
        StatefulRedisConnection<String, String> connection = client.connect();
        out.write("start " + System.nanoTime() + "\n");
        out.flush();
        return connection;
      } catch (RedisException e) {
        out.write("error " + System.nanoTime() + " first connect: " + e.getMessage() + "\n");
        out.flush();
        LockSupport.parkNanos(100_000_000L);
      }
    }
  }
}
