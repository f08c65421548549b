package io.redisha.net;

import java.net.Inet4Address;
import java.util.Arrays;
import java.util.Objects;

/**
 * Builds the gratuitous ARP frame that announces a VIP, the same frame keepalived sends: an ARP
 * request broadcast to {@code ff:ff:ff:ff:ff:ff}, with the VIP as both sender and target protocol
 * address and the broadcast address as target hardware address. Linux neighbours treat a request
 * whose sender and target address match as gratuitous and override their cached entry with it.
 */
public final class GratuitousArp {
  private GratuitousArp() {}

  /** Length of the Ethernet frame: 14 bytes of header and 28 of ARP. */
  public static final int FRAME_LENGTH = 42;

  /** EtherType of ARP. */
  public static final int ETHERTYPE_ARP = 0x0806;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int HARDWARE_ETHERNET = 1;
  private static final int OPERATION_REQUEST = 1;
  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

  /** The frame announcing that {@code vip} is at {@code senderMac}. */
  public static byte[] frame(byte[] senderMac, Inet4Address vip) {
    Objects.requireNonNull(senderMac, "senderMac");
    Objects.requireNonNull(vip, "vip");
    if (senderMac.length != 6) {
      throw new IllegalArgumentException(
          "senderMac has " + senderMac.length + " bytes: expected a 6-byte Ethernet address");
    }
    if ((senderMac[0] & 1) != 0 || Arrays.equals(senderMac, new byte[6])) {
      throw new IllegalArgumentException(
          "senderMac must be a unicast Ethernet address, not all zeros, broadcast or multicast");
    }
    byte[] address = vip.getAddress();
    byte[] frame = new byte[FRAME_LENGTH];
    System.arraycopy(BROADCAST, 0, frame, 0, 6);
    System.arraycopy(senderMac, 0, frame, 6, 6);
    putShort(frame, 12, ETHERTYPE_ARP);
    putShort(frame, 14, HARDWARE_ETHERNET);
    putShort(frame, 16, ETHERTYPE_IPV4);
    frame[18] = 6;
    frame[19] = 4;
    putShort(frame, 20, OPERATION_REQUEST);
    System.arraycopy(senderMac, 0, frame, 22, 6);
    System.arraycopy(address, 0, frame, 28, 4);
    System.arraycopy(BROADCAST, 0, frame, 32, 6);
    System.arraycopy(address, 0, frame, 38, 4);
    return frame;
  }

  private static void putShort(byte[] frame, int offset, int value) {
    frame[offset] = (byte) (value >>> 8);
    frame[offset + 1] = (byte) value;
  }
}
