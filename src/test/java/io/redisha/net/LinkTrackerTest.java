package io.redisha.net;

import static io.redisha.net.LinkMessageBytes.USABLE_FLAGS;
import static io.redisha.net.LinkMessageBytes.delLink;
import static io.redisha.net.LinkMessageBytes.newLink;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkTrackerTest {
  private static final int ADMIN_DOWN_FLAGS = 0x1002;

  @Test
  void followsTheWatchedNameAndIgnoresOtherInterfaces() {
    LinkTracker tracker = new LinkTracker("eth0");
    assertThat(tracker.state()).isEmpty();
    assertThat(tracker.apply(newLink(3, USABLE_FLAGS, "eth1", 6))).isEmpty();
    assertThat(tracker.apply(newLink(2, USABLE_FLAGS, "eth0", 6)).orElseThrow().usable()).isTrue();
    assertThat(tracker.apply(newLink(3, ADMIN_DOWN_FLAGS, "eth1", 2))).isEmpty();
    assertThat(tracker.apply(delLink(3, "eth1"))).isEmpty();
    assertThat(tracker.state().orElseThrow().usable()).isTrue();
  }

  @Test
  void followsTheNameToANewIndexAfterDeletion() {
    LinkTracker tracker = new LinkTracker("eth0");
    tracker.apply(newLink(2, USABLE_FLAGS, "eth0", 6));
    assertThat(tracker.apply(delLink(2, "eth0"))).contains(LinkState.gone("eth0", 2));
    LinkState recreated = tracker.apply(newLink(9, ADMIN_DOWN_FLAGS, "eth0", 2)).orElseThrow();
    assertThat(recreated.index()).isEqualTo(9);
    assertThat(recreated.reason()).isEqualTo("link down");
    assertThat(tracker.apply(newLink(9, USABLE_FLAGS, "eth0", 6)).orElseThrow().usable()).isTrue();
    // the old index now means nothing to this watch
    assertThat(tracker.apply(newLink(2, USABLE_FLAGS, "other", 6))).isEmpty();
  }

  @Test
  void aRenameAwayIsGoneAndARenameToTheNameIsFollowed() {
    LinkTracker tracker = new LinkTracker("eth0");
    tracker.apply(newLink(2, ADMIN_DOWN_FLAGS, "eth0", 2));
    assertThat(tracker.apply(newLink(2, ADMIN_DOWN_FLAGS, "lan0", 2)))
        .contains(LinkState.gone("eth0", 2));
    assertThat(tracker.apply(newLink(2, USABLE_FLAGS, "lan0", 6))).isEmpty();
    assertThat(tracker.apply(newLink(5, ADMIN_DOWN_FLAGS, "eth0", 2)).orElseThrow().index())
        .isEqualTo(5);
  }

  @Test
  void anAbsentAnswerKeepsTheLastIndexForTheRecord() {
    LinkTracker tracker = new LinkTracker("eth0");
    assertThat(tracker.absent()).isEqualTo(LinkState.gone("eth0", 0));
    tracker.apply(newLink(4, USABLE_FLAGS, "eth0", 6));
    assertThat(tracker.absent()).isEqualTo(LinkState.gone("eth0", 4));
  }
}
