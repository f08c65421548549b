package io.redisha.vrrp;

import static io.redisha.vrrp.HmacCodecTest.KEY;
import static io.redisha.vrrp.VrrpCodecTest.VIP;
import static io.redisha.vrrp.VrrpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.vrrp.HmacAuth.AntiReplay;
import io.redisha.vrrp.HmacAuth.Mode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class HmacAuthTest {
  static final HmacKey KEY_2 = HmacKey.parse(2, "hex:" + "20".repeat(64));

  @Test
  void validSettingsHaveNoProblems() {
    assertThat(
            HmacAuth.problems(
                "vrrp.authHmac", List.of(KEY, KEY_2), 2, AntiReplay.TIME, 300, Mode.RECEIVE_ONLY))
        .isEmpty();
  }

  @Test
  void everyProblemNamesItsField() {
    List<String> problems =
        HmacAuth.problems(
            "vrrp.authHmac",
            List.of(
                new HmacKey(0, new byte[32]),
                new HmacKey(2, new byte[31]),
                new HmacKey(2, new byte[65]),
                new HmacKey(256, new byte[64])),
            7,
            AntiReplay.TIME,
            301,
            null);
    assertThat(problems)
        .containsExactly(
            "vrrp.authHmac.keys[0].id: must be 1 to 255, not 0",
            "vrrp.authHmac.keys[1].secret: must be 32 to 64 bytes, not 31",
            "vrrp.authHmac.keys[2].id: 2 is used by another key",
            "vrrp.authHmac.keys[2].secret: must be 32 to 64 bytes, not 65",
            "vrrp.authHmac.keys[3].id: must be 1 to 255, not 256",
            "vrrp.authHmac.activeKeyId: 7 is none of the key ids [0, 2, 2, 256]",
            "vrrp.authHmac.timeWindowSeconds: must be 1 to 300, not 301",
            "vrrp.authHmac.mode: must be enforce, permissive or receive-only");
    assertThat(HmacAuth.problems("hmac", List.of(), 1, null, 0, Mode.ENFORCE))
        .containsExactly(
            "hmac.keys: at least one key is needed", "hmac.antiReplay: must be time or monotonic");
    assertThat(HmacAuth.problems("hmac", List.of(KEY), 1, AntiReplay.MONOTONIC, 10, Mode.ENFORCE))
        .containsExactly("hmac.timeWindowSeconds: only applies to antiReplay time, not monotonic");
    assertThat(HmacAuth.problems("hmac", List.of(KEY), 1, AntiReplay.TIME, 0, Mode.ENFORCE))
        .isEmpty();
  }

  @Test
  void theConstructorRefusesWhatProblemsReports() {
    assertThatThrownBy(
            () ->
                new HmacAuth(
                    List.of(new HmacKey(1, new byte[8])), 1, AntiReplay.TIME, 0, Mode.ENFORCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hmac.keys[0].secret: must be 32 to 64 bytes, not 8");
  }

  @Test
  void wordsAsKeepalivedWritesThem() {
    assertThat(Mode.parse("receive-only")).isEqualTo(Mode.RECEIVE_ONLY);
    assertThat(Mode.PERMISSIVE.label()).isEqualTo("permissive");
    assertThat(AntiReplay.parse("monotonic")).isEqualTo(AntiReplay.MONOTONIC);
    assertThatThrownBy(() -> Mode.parse("strict"))
        .hasMessage("must be enforce, permissive or receive-only, not 'strict'");
    assertThatThrownBy(() -> AntiReplay.parse("none"))
        .hasMessage("must be time or monotonic, not 'none'");
  }

  @Test
  void whoSignsAndWhoRequiresASignature() {
    HmacAuth enforce = HmacAuth.enforce(KEY);
    assertThat(enforce.signsOutgoing()).isTrue();
    assertThat(enforce.requiresSignature()).isTrue();
    assertThat(enforce.withMode(Mode.PERMISSIVE).signsOutgoing()).isTrue();
    assertThat(enforce.withMode(Mode.PERMISSIVE).requiresSignature()).isFalse();
    assertThat(enforce.withMode(Mode.RECEIVE_ONLY).signsOutgoing()).isFalse();
    assertThat(enforce.withMode(Mode.RECEIVE_ONLY).requiresSignature()).isFalse();
  }

  @Test
  void theSignerUsesTheActiveKeyAndARotationChangesOnlyTheKeyId() throws Exception {
    HmacAuth both = new HmacAuth(List.of(KEY, KEY_2), 1, AntiReplay.TIME, 0, Mode.ENFORCE);
    VrrpRouterConfig config =
        new VrrpRouterConfig(
            VrrpVersion.V3,
            51,
            150,
            10,
            null,
            List.of(VIP),
            ip("192.0.2.1"),
            true,
            Duration.ZERO,
            true,
            both);
    HmacSequence sequence =
        new HmacSequence(Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));
    VrrpAdvertisement advert =
        new VrrpAdvertisement(VrrpVersion.V3, 51, 150, 10, List.of(VIP), null);
    byte[] signed1 =
        AdvertisementSigner.of(List.of(config), sequence)
            .encode(advert, ChecksumMode.PSEUDO_HEADER, ip("192.0.2.1"), ip("192.0.2.2"));
    byte[] signed2 =
        AdvertisementSigner.of(List.of(config.withHmac(both.withActiveKey(2))), sequence)
            .encode(advert, ChecksumMode.PSEUDO_HEADER, ip("192.0.2.1"), ip("192.0.2.2"));
    assertThat(VrrpCodec.trailer(signed1, 0, signed1.length, advert).keyId()).isEqualTo(1);
    HmacTrailer second = VrrpCodec.trailer(signed2, 0, signed2.length, advert);
    assertThat(second.keyId()).isEqualTo(2);
    assertThat(
            HmacTrailer.after(
                second.sequence(),
                VrrpCodec.trailer(signed1, 0, signed1.length, advert).sequence()))
        .as("one sequence shared by the signers of one node")
        .isTrue();
    assertThat(config.routerRule().hmac()).isEqualTo(both);
    assertThat(
            AdvertisementSigner.unsigned()
                .encode(advert, ChecksumMode.PSEUDO_HEADER, ip("192.0.2.1"), ip("192.0.2.2")))
        .hasSize(12);
  }

  @Test
  void aRouterHasAPasswordOrHmacNotBoth() {
    assertThatThrownBy(
            () ->
                new VrrpRouterConfig(
                    VrrpVersion.V2,
                    51,
                    150,
                    100,
                    "s3cr3t",
                    List.of(VIP),
                    ip("192.0.2.1"),
                    true,
                    Duration.ZERO,
                    true,
                    HmacAuth.enforce(KEY)))
        .hasMessageContaining("password and hmac");
  }
}
