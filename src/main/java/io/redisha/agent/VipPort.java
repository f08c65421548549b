package io.redisha.agent;

/** The VIP of one group on this node: holding it means having it on the interface, announced. */
public interface VipPort {
  /** Adds the VIP and announces it (gratuitous ARP, cloud hook); harmless when already held. */
  void add();

  /** Removes the VIP; harmless when not held. */
  void remove();

  /**
   * Announces a held VIP again (a gratuitous ARP burst), for example after another node claimed it
   * during a split brain and clients may have learnt the wrong address.
   */
  void reannounce();

  /** Whether this node holds the VIP now, as far as the agent knows. */
  boolean held();
}
