package io.redisha.agent;

/**
 * What the agent takes when it is not told otherwise, and what the operator's side must agree with:
 * {@code kube.PairResources} derives its names from these, so that the agent needs nothing of
 * {@code kube}.
 */
public final class AgentDefaults {
  private AgentDefaults() {}

  /** The agent's HTTP port ({@code /healthz}, {@code /status}, {@code /metrics}). */
  public static final int HTTP_PORT = 9736;

  /** The loopback port where only {@code /healthz} and {@code /readyz} answer, if asked for. */
  public static final int PROBE_PORT = 9737;

  /**
   * The file beside the pair file that holds the resource generation the operator rendered it from;
   * absent in standalone mode.
   */
  public static final String GENERATION_FILE = "generation";
}
