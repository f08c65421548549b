package io.redisha.vrrp;

/** States of a virtual router: RFC 5798's three, plus keepalived's FAULT. */
public enum VrrpState {
  /** Not started, or shut down. */
  INITIALIZE,
  /** Following a master; takes over when the master falls silent or releases the role. */
  BACKUP,
  /** Holding the virtual addresses and advertising. */
  MASTER,
  /** Not eligible (for example the local Redis is down or behind): silent, never master. */
  FAULT
}
