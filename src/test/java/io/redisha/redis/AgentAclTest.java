package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README states the smallest ACL the agent needs; it must be the line {@link AgentAcl} makes,
 * which the integration tests give their Redis servers, and explain every rule of it.
 */
class AgentAclTest {
  @Test
  void theReadmeStatesExactlyTheAclTheTestsRunWith() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String line = AgentAcl.setUser("redisha", ">PASSWORD");
    assertThat(line)
        .isEqualTo(
            "ACL SETUSER redisha reset on >PASSWORD -@all +client|setname +ping +info +replicaof"
                + " +config|get +config|set +client|kill +client|pause +client|unpause +psync"
                + " +replconf");
    assertThat(readme).contains(line + "\n");
    assertThat(readme).contains("user redisha " + line.substring("ACL SETUSER redisha ".length()));
    for (String rule : AgentAcl.rules()) {
      assertThat(readme)
          .as("the README explains %s", rule)
          .contains("`" + rule.replace("|", "\\|") + "`");
    }
  }

  @Test
  void everyCommandButAuthNeedsARule() {
    for (AgentAcl command : AgentAcl.values()) {
      assertThat(command.rule() == null).as(command.name()).isEqualTo(command == AgentAcl.AUTH);
      assertThat(command.purpose()).isNotBlank();
    }
  }
}
