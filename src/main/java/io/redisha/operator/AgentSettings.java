package io.redisha.operator;

/**
 * How the operator runs the agents: the image, its pull policy, and the container resources.
 *
 * @param image agent image (the redisha image; the agent is {@code redisha agent})
 * @param imagePullPolicy Always, IfNotPresent or Never
 * @param cpuRequest CPU request of the agent container
 * @param memoryRequest memory request
 * @param cpuLimit CPU limit; generous, because throttling delays adverts
 * @param memoryLimit memory limit
 */
public record AgentSettings(
    String image,
    String imagePullPolicy,
    String cpuRequest,
    String memoryRequest,
    String cpuLimit,
    String memoryLimit) {

  /** The image tag built by this version of the project. */
  public static final String DEFAULT_IMAGE = "redisha/redisha:0.1.0";

  /** Defaults, with the image from {@code REDISHA_AGENT_IMAGE} when set. */
  public static AgentSettings fromEnvironment() {
    String image = System.getenv("REDISHA_AGENT_IMAGE");
    return defaults(image == null || image.isBlank() ? DEFAULT_IMAGE : image);
  }

  public static AgentSettings defaults(String image) {
    return new AgentSettings(image, "IfNotPresent", "50m", "128Mi", "1", "256Mi");
  }
}
