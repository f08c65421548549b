package io.redisha.net;

import io.redisha.arbiter.WitnessPort;
import io.redisha.clock.Scheduler;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Consumer;

/** Probes the witness with a TCP connect from a virtual thread; answers on the scheduler. */
public final class TcpWitnessPort implements WitnessPort {
  private final InetSocketAddress address;
  private final Scheduler scheduler;

  public TcpWitnessPort(Inet4Address address, int port, Scheduler scheduler) {
    this.address = new InetSocketAddress(address, port);
    this.scheduler = scheduler;
  }

  @Override
  public void probe(Duration timeout, Consumer<Boolean> done) {
    Thread.ofVirtual()
        .name("witness-probe")
        .start(
            () -> {
              boolean reached;
              try (Socket socket = new Socket()) {
                socket.connect(address, (int) Math.max(1, timeout.toMillis()));
                reached = true;
              } catch (IOException e) {
                reached = false;
              }
              boolean result = reached;
              scheduler.execute(() -> done.accept(result));
            });
  }

  @Override
  public String describe() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
