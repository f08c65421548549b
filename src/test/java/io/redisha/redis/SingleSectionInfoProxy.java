package io.redisha.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback port in front of a real redis-server that answers INFO with more than one section as
 * Redis before 7.0 does ({@code -ERR syntax error}) and passes every other command through, one at
 * a time. Counts the INFO commands it refused and passed. It can also hold back the reply to every
 * CONFIG command for a while, as a lossy link does to the segment that carries it.
 */
final class SingleSectionInfoProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int redisPort;
  final AtomicInteger refusedInfo = new AtomicInteger();
  final AtomicInteger passedInfo = new AtomicInteger();
  volatile boolean refuseMultiSectionInfo = true;
  volatile long configReplyDelayMillis;

  SingleSectionInfoProxy(int redisPort) throws IOException {
    this.redisPort = redisPort;
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("info-proxy").start(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client;
        Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort)) {
      InputStream fromClient = new BufferedInputStream(client.getInputStream());
      OutputStream toClient = client.getOutputStream();
      InputStream fromRedis = new BufferedInputStream(redis.getInputStream());
      OutputStream toRedis = redis.getOutputStream();
      while (true) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        List<String> command = readCommand(fromClient, raw);
        if (command == null) {
          return;
        }
        if (command.getFirst().equalsIgnoreCase("INFO")) {
          if (command.size() > 2 && refuseMultiSectionInfo) {
            refusedInfo.incrementAndGet();
            toClient.write("-ERR syntax error\r\n".getBytes(StandardCharsets.US_ASCII));
            toClient.flush();
            continue;
          }
          passedInfo.incrementAndGet();
        }
        toRedis.write(raw.toByteArray());
        toRedis.flush();
        if (command.getFirst().equalsIgnoreCase("CONFIG") && configReplyDelayMillis > 0) {
          Thread.sleep(configReplyDelayMillis);
        }
        copyReply(fromRedis, toClient);
        toClient.flush();
      }
    } catch (IOException e) {
      // either side closed: the connection ends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One command (a RESP array of bulk strings); null at the end of the stream. */
  private static List<String> readCommand(InputStream in, ByteArrayOutputStream raw)
      throws IOException {
    String header = readLine(in, raw);
    if (header == null) {
      return null;
    }
    if (!header.startsWith("*")) {
      throw new IOException("not a RESP array: " + header);
    }
    int count = Integer.parseInt(header.substring(1));
    List<String> arguments = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String length = readLine(in, raw);
      if (length == null || !length.startsWith("$")) {
        throw new IOException("not a RESP bulk string: " + length);
      }
      byte[] data = in.readNBytes(Integer.parseInt(length.substring(1)) + 2);
      raw.write(data);
      arguments.add(new String(data, 0, data.length - 2, StandardCharsets.UTF_8));
    }
    return arguments;
  }

  /** Copies one complete reply. */
  private static void copyReply(InputStream in, OutputStream out) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    String line = readLine(in, raw);
    if (line == null) {
      throw new IOException("redis-server closed the connection");
    }
    out.write(raw.toByteArray());
    switch (line.charAt(0)) {
      case '$' -> {
        int length = Integer.parseInt(line.substring(1));
        if (length >= 0) {
          out.write(in.readNBytes(length + 2));
        }
      }
      case '*' -> {
        int count = Integer.parseInt(line.substring(1));
        for (int i = 0; i < count; i++) {
          copyReply(in, out);
        }
      }
      default -> {} // +, -, : are one line
    }
  }

  /** One line without its CRLF, its bytes with it added to {@code raw}; null at the end. */
  private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      raw.write(c);
      if (c == '\n') {
        return line.substring(0, line.length() - 1);
      }
      line.append((char) c);
    }
    return line.isEmpty() ? null : line.toString();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
