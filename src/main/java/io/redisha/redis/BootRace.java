package io.redisha.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Two agents that start together (both VMs rebooted, a power cut, a restart of both services) must
 * not both take the master role on silence. Each waits one master-down interval as backup before it
 * takes over, and RFC 5798's skew gives the node the election prefers a lead of only {@code (p1 -
 * p2) / 256} of an advert interval: 20 ms between priorities 150 and 100 at 100 ms adverts. A
 * loaded host reads an advert later than that, so the other node's timer may end before it has read
 * the first advert of the preferred one; both Redis servers then take writes through the VIP until
 * the adverts meet, and the side that yields loses the writes it took (the bench's simultaneous
 * boot under CI load: vm-a became master at 21:42:01.198, vm-b 11 ms later with its timer 125 ms
 * late, and vm-b's 660 bytes of writes were thrown away when it yielded).
 *
 * <p>The rule: a node that has not heard its peer since its agent started, and that the election
 * would not choose over the peer, takes the role on silence only once it has listened as backup for
 * the stall limit. A peer that starts with it becomes master within a master-down interval of its
 * own start and is heard first; a peer that is not there costs the lower-ranked node that wait
 * once, at its start, and nothing later: once it has heard the peer, a silence is a failure, not a
 * start. A release (priority 0) is hearing the peer, so a handover is never delayed. Without an
 * arbiter this narrows the race and does not close it: a preferred peer whose agent reaches backup
 * about the limit later than ours can still become master at the moment ours does.
 *
 * <p>Pure: a function of what the caller observed.
 */
public final class BootRace {

  private BootRace() {}

  /**
   * Why a takeover on silence must wait, or empty when it need not.
   *
   * @param heardPeer whether this node has heard an advert of the peer since its agent started
   * @param peerOutranks whether the election would choose the peer over this node (its priority is
   *     higher, or equal with the higher address)
   * @param listened how long this node has listened as backup: since it first became backup after
   *     its agent started, or since its agent last woke from a stall, whichever is later (zero
   *     before it was backup)
   * @param limit how long a node that the peer outranks listens before it takes over
   */
  public static Optional<String> refusal(
      boolean heardPeer, boolean peerOutranks, Duration listened, Duration limit) {
    Objects.requireNonNull(listened, "listened");
    Objects.requireNonNull(limit, "limit");
    if (heardPeer || !peerOutranks || listened.compareTo(limit) >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        "the peer, which the election prefers, has not been heard since this agent started: it"
            + " may be starting too; listening "
            + limit.toMillis()
            + " ms as backup before taking over ("
            + listened.toMillis()
            + " ms so far)");
  }
}
