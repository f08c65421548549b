package io.redisha.redis;

import io.redisha.redis.ReplicaProtocol.PsyncStart;
import io.redisha.redis.ReplicaProtocol.Reply;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A dead-man replica of the agent's own Redis: the agent attaches to its Redis as a replica ({@code
 * PSYNC}) and acknowledges ({@code REPLCONF ACK}) only while it may let the Redis take writes, so a
 * fence {@link WriteFence#GUARDED guarded} by this replica closes without the agent:
 *
 * <ul>
 *   <li>the agent dies: the kernel closes the socket, Redis drops the replica at once and refuses
 *       writes ({@code NOREPLICAS});
 *   <li>the agent stalls: the acknowledgements stop, and Redis refuses writes within {@link
 *       WriteFence#GUARDED_CLOSE}.
 * </ul>
 *
 * <p>The acknowledged offset is the offset the stream started at and never advances. Redis's {@code
 * min-replicas-to-write} counts only the time of a replica's last acknowledgement, so that is
 * enough for the fence; and an offset that does not advance keeps a client's {@code WAIT} from
 * counting the keeper as a replica that holds its writes (it holds none: it discards the stream).
 * Only writes made before the keeper attached are below that offset.
 *
 * <p>Redis also stamps a replica as acknowledged when it accepts its {@code PSYNC} (and, after a
 * full resynchronization written from disk, when the payload is sent), so attaching counts as one
 * acknowledgement: the keeper sends {@code PSYNC} only while the latest deadline it was given has
 * not passed.
 *
 * <p>The keeper announces {@link #LISTENING_PORT} and never answers {@code REPLCONF GETACK}.
 * Nothing of this class blocks its caller: connecting, the handshake, the acknowledgements and
 * reading the stream run on virtual threads of their own.
 */
public final class WriteKeeper implements AutoCloseable {

  /**
   * The port the keeper announces ({@code REPLCONF listening-port}): INFO shows it as {@code
   * ip=127.0.0.1,port=0}, which no real replica announces.
   */
  public static final int LISTENING_PORT = 0;

  /** The name of the keeper's connection in {@code CLIENT LIST}. */
  static final String CLIENT_NAME = "redisha-keeper";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /**
   * How long one handshake reply may take. Redis sends a newline each second while it prepares a
   * full resynchronization, so only a Redis that stopped answering reaches it.
   */
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** Attempts to attach follow each other at least this far apart. */
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final RedisEndpoint endpoint;
  private final Consumer<String> log;
  private final Object lock = new Object();

  // Guarded by lock.
  private Attachment attachment;
  private long lastAttemptNanos;
  private boolean attempted;
  private boolean closed;
  private String loggedFailure;

  private volatile String failure;

  /**
   * A keeper of the Redis at {@code endpoint} (the agent's own, over 127.0.0.1), writing what
   * happens to {@code log} one line at a time.
   */
  public WriteKeeper(RedisEndpoint endpoint, Consumer<String> log) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * Acknowledges to Redis, if {@link System#nanoTime()} is still before {@code untilNanos} right
   * before the acknowledgement is written: one that waited behind a stall of this process is not
   * sent. Attaches first when not attached (at most one attempt a second); while the replica is not
   * online yet the acknowledgement is dropped, and the next call sends one. Returns at once.
   *
   * @param untilNanos the {@link System#nanoTime()} after which no acknowledgement may go out
   */
  public void acknowledge(long untilNanos) {
    Attachment current;
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (attachment == null) {
        long now = System.nanoTime();
        if (now - untilNanos >= 0) {
          return; // attaching counts as an acknowledgement at Redis
        }
        if (attempted && now - lastAttemptNanos < RETRY.toNanos()) {
          return;
        }
        attempted = true;
        lastAttemptNanos = now;
        attachment = new Attachment(untilNanos);
        attachment.start();
        return;
      }
      current = attachment;
    }
    current.offer(untilNanos);
  }

  /** Whether the replica connection is online: PSYNC accepted, the stream flowing. */
  public boolean online() {
    Attachment current;
    synchronized (lock) {
      current = attachment;
    }
    return current != null && current.online;
  }

  /**
   * Closes the replica connection, so Redis drops the replica at once; the next {@link
   * #acknowledge} attaches again without waiting. Returns at once.
   */
  public void release() {
    Attachment current;
    synchronized (lock) {
      current = attachment;
      attachment = null;
      attempted = false;
    }
    if (current != null) {
      current.end(true);
    }
  }

  /** The last failure as one line that says what to do, or null when the last attach worked. */
  public String failure() {
    return failure;
  }

  /** Releases the replica connection and ends the keeper's threads; idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
    release();
  }

  private void failed(Attachment ended, String line) {
    synchronized (lock) {
      if (attachment == ended) {
        attachment = null;
      }
      failure = line;
      if (line.equals(loggedFailure)) {
        return;
      }
      loggedFailure = line;
    }
    log.accept(line);
  }

  private void attached(Attachment done, PsyncStart start) {
    synchronized (lock) {
      if (attachment != done) {
        return;
      }
      failure = null;
      loggedFailure = null;
    }
    log.accept(
        "write keeper attached to our Redis "
            + endpoint.address()
            + (start.full() ? " by full resync" : " by partial resync")
            + " at offset "
            + start.offset());
  }

  /**
   * The current attachment {@code ended} is over, as {@code line} says: a lost connection is the
   * failure {@link #failure} reports ({@code asFailure}), an attempt given up for a reason that is
   * not a failure of Redis or of its settings is not.
   */
  private void over(Attachment ended, String line, boolean asFailure) {
    synchronized (lock) {
      if (attachment != ended) {
        return;
      }
      attachment = null;
      if (asFailure) {
        failure = line;
        loggedFailure = line;
      }
    }
    log.accept(line);
  }

  /** The agent's user as the failure lines name it. */
  private String user() {
    return endpoint.access().user();
  }

  /** One replica connection: handshake, then a reader and an acknowledger. */
  private final class Attachment {
    private final Object ackLock = new Object();
    private final Object writeLock = new Object();

    // Guarded by ackLock.
    private long ackUntilNanos;
    private boolean ackWanted;
    private boolean ended;

    private volatile boolean online;
    private volatile boolean released;
    private volatile Socket tcp;
    private long ackOffset;
    private OutputStream out;

    Attachment(long untilNanos) {
      this.ackUntilNanos = untilNanos;
    }

    void start() {
      Thread.ofVirtual().name("redisha-keeper-" + endpoint.port()).start(this::run);
    }

    /** Hands an acknowledgement to the acknowledger; dropped while not online. */
    void offer(long untilNanos) {
      synchronized (ackLock) {
        ackUntilNanos = untilNanos;
        if (online && !ended) {
          ackWanted = true;
          ackLock.notifyAll();
        }
      }
    }

    private long latestDeadline() {
      synchronized (ackLock) {
        return ackUntilNanos;
      }
    }

    /** Closes the TCP socket itself (not the TLS layer, whose close could wait on a write). */
    void end(boolean byUs) {
      if (byUs) {
        released = true;
      }
      synchronized (ackLock) {
        ended = true;
        online = false;
        ackLock.notifyAll();
      }
      Socket socket = tcp;
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // Closing is all that is asked; a socket that fails to close is gone.
        }
      }
    }

    private void run() {
      InputStream in;
      PsyncStart start;
      try {
        Socket socket = connect();
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        start = handshake(in);
      } catch (Refusal refusal) {
        end(false);
        if (!released) {
          failed(this, refusal.getMessage());
        }
        return;
      } catch (IOException | RuntimeException e) {
        end(false);
        if (!released) {
          failed(this, connectionFailure(e));
        }
        return;
      }
      if (start == null) {
        end(false);
        over(this, deadlinePassed(), false);
        return;
      }
      ackOffset = start.offset();
      synchronized (ackLock) {
        if (ended) {
          return;
        }
        online = true;
      }
      attached(this, start);
      Thread.ofVirtual()
          .name("redisha-keeper-ack-" + endpoint.port())
          .start(this::acknowledgeWhileOnline);
      discardStream(in);
    }

    private String deadlinePassed() {
      return "write keeper did not attach to our Redis "
          + endpoint.address()
          + ": the agent's deadline passed during the handshake (it stalled or stopped"
          + " acknowledging); it attaches again at the next acknowledgement";
    }

    private Socket connect() throws IOException {
      Socket socket = new Socket();
      tcp = socket;
      if (released) {
        socket.close();
        throw new IOException("released");
      }
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(endpoint.host(), endpoint.port()),
          (int) CONNECT_TIMEOUT.toMillis());
      socket.setSoTimeout((int) HANDSHAKE_TIMEOUT.toMillis());
      if (endpoint.access().tls().isEmpty()) {
        return socket;
      }
      SSLSocket tls =
          (SSLSocket)
              tlsContext(endpoint.access().tls().get())
                  .getSocketFactory()
                  .createSocket(socket, endpoint.host(), endpoint.port(), true);
      tls.setUseClientMode(true);
      tls.startHandshake();
      return tls;
    }

    private SSLContext tlsContext(RedisTls tls) throws IOException {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        X509ExtendedKeyManager keys = tls.keyManager();
        context.init(
            keys == null ? null : new KeyManager[] {keys},
            new TrustManager[] {tls.trustManager(endpoint.certificateName())},
            null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot set up TLS: " + e.getMessage(), e);
      }
    }

    /** The handshake up to the start of the stream; null when the deadline passed before PSYNC. */
    private PsyncStart handshake(InputStream in) throws IOException {
      if (endpoint.access().password().isPresent()) {
        String password = endpoint.access().password().get();
        Reply auth =
            endpoint.access().username().isPresent()
                ? call(in, "AUTH", endpoint.access().username().get(), password)
                : call(in, "AUTH", password);
        if (auth.error()) {
          throw new Refusal(
              "write keeper cannot log in to our Redis "
                  + endpoint.address()
                  + " as user "
                  + user()
                  + " ("
                  + auth.text()
                  + "): give the agent that user's password");
        }
      }
      expectOk(in, AgentAcl.CLIENT_SETNAME, "CLIENT", "SETNAME", CLIENT_NAME);
      expectOk(
          in, AgentAcl.REPLCONF, "REPLCONF", "listening-port", Integer.toString(LISTENING_PORT));
      expectOk(in, AgentAcl.REPLCONF, "REPLCONF", "capa", "eof", "capa", "psync2");
      Reply info = call(in, "INFO", "replication");
      if (info.error()) {
        throw refusal(AgentAcl.INFO, info);
      }
      String replId =
          ReplicaProtocol.infoField(info.text(), "master_replid")
              .orElseThrow(() -> new IOException("INFO replication has no master_replid"));
      long offset =
          Long.parseLong(
              ReplicaProtocol.infoField(info.text(), "master_repl_offset")
                  .orElseThrow(() -> new IOException("INFO replication has no master_repl_offset"))
                  .strip());
      if (System.nanoTime() - latestDeadline() >= 0) {
        return null;
      }
      long asked = offset + 1;
      Reply psync = call(in, "PSYNC", replId, Long.toString(asked));
      if (psync.error()) {
        throw refusal(AgentAcl.PSYNC, psync);
      }
      PsyncStart start = ReplicaProtocol.psyncStart(psync.text(), asked);
      if (start.full()) {
        // Diskless: Redis waits repl-diskless-sync-delay before it sends anything but newlines.
        ReplicaProtocol.skipRdb(in);
      }
      tcp.setSoTimeout(0); // from here the stream is read for as long as the connection lasts
      return start;
    }

    private void expectOk(InputStream in, AgentAcl command, String... args) throws IOException {
      Reply reply = call(in, args);
      if (reply.error()) {
        throw refusal(command, reply);
      }
    }

    private Refusal refusal(AgentAcl command, Reply reply) {
      String text = reply.text();
      String todo;
      if (text.startsWith("NOPERM")) {
        todo = "allow " + command.rule() + " for user " + user();
      } else if (text.startsWith("NOAUTH")) {
        todo = "give the agent the password of our Redis";
      } else {
        todo = "the keeper tries again each second; see the log of our Redis";
      }
      return new Refusal(
          "write keeper: our Redis "
              + endpoint.address()
              + " refused "
              + command.command()
              + " ("
              + text
              + "): "
              + todo);
    }

    private Reply call(InputStream in, String... args) throws IOException {
      synchronized (writeLock) {
        out.write(ReplicaProtocol.command(args));
        out.flush();
      }
      return ReplicaProtocol.readReply(in);
    }

    private void acknowledgeWhileOnline() {
      byte[] ack = null;
      while (true) {
        long until;
        synchronized (ackLock) {
          while (!ackWanted && !ended) {
            try {
              ackLock.wait();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          if (ended) {
            return;
          }
          ackWanted = false;
          until = ackUntilNanos;
        }
        if (ack == null) {
          ack = ReplicaProtocol.command("REPLCONF", "ACK", Long.toString(ackOffset));
        }
        try {
          synchronized (writeLock) {
            // The last look at the clock: an acknowledgement that waited out a stall stays here.
            if (System.nanoTime() - until >= 0) {
              continue;
            }
            out.write(ack);
            out.flush();
          }
        } catch (IOException e) {
          end(false); // the reader reports the closed connection
          return;
        }
      }
    }

    /** Reads and drops the stream (Redis's buffer for the replica would fill otherwise). */
    private void discardStream(InputStream in) {
      byte[] sink = new byte[16 * 1024];
      String why;
      try {
        while (in.read(sink) >= 0) {
          // REPLCONF GETACK is among these bytes: the keeper does not answer it.
        }
        why = "our Redis closed it";
      } catch (IOException e) {
        why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      boolean byUs = released;
      end(false);
      if (byUs) {
        log.accept(
            "write keeper released its replica connection to our Redis " + endpoint.address());
        return;
      }
      over(
          this,
          "write keeper lost its replica connection to our Redis "
              + endpoint.address()
              + " ("
              + why
              + "): it attaches again at the next acknowledgement",
          true);
    }

    private String connectionFailure(Exception e) {
      String what =
          e instanceof ConnectException
              ? "connection refused: is our Redis running on this port?"
              : e instanceof SocketTimeoutException
                  ? "no answer in time: is our Redis stalled?"
                  : (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                      + ": check that it runs and that the agent's Redis settings match it";
      return "write keeper cannot attach to our Redis "
          + endpoint.address()
          + (endpoint.access().tls().isPresent() ? " over TLS" : "")
          + " ("
          + what
          + ")";
    }
  }

  /** A reply that refused a command of the handshake, as the line {@link #failure} reports. */
  private static final class Refusal extends IOException {
    Refusal(String line) {
      super(line);
    }
  }
}
