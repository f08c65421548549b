package io.redisha.arbiter;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;

/**
 * fabric8's mock API server in CRUD mode as a process of its own, so agents in other network
 * namespaces reach it over the lab network: {@code MockApiServerMain <address> <port>}. Plain HTTP;
 * runs until it is killed.
 */
public final class MockApiServerMain {
  private MockApiServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: MockApiServerMain <address> <port>");
      System.exit(2);
    }
    InetAddress address = InetAddress.getByName(args[0]);
    int port = Integer.parseInt(args[1]);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init(address, port);
    System.out.println(
        "mock API server (CRUD) listening on http://" + address.getHostAddress() + ":" + port);
    new CountDownLatch(1).await();
  }
}
