/**
 * etcd as the third voter of a pair on plain VMs: {@link io.redisha.etcd.EtcdLeasePort} is the
 * {@link io.redisha.arbiter.LeasePort} that {@code LeaseGuard} uses, over etcd's v3 JSON gateway
 * with the JDK's HTTP client (no gRPC, no Netty, nothing beyond Jackson, which the agent has
 * anyway).
 *
 * <p>What an etcd deployment must give the agents, learnt from etcd 3.4 itself:
 *
 * <ul>
 *   <li>A user with read-write rights on the prefix ({@code etcdctl role grant-permission
 *       --prefix=true redisha readwrite /redisha/}) when etcd's auth is on. Leases need no rights.
 *   <li>Under {@code --client-cert-auth}, a client certificate with an empty CommonName: the
 *       gateway refuses every request from a certificate that names one (etcd's fix for
 *       CVE-2018-16886), so access rights come from the user and password, not the certificate.
 *   <li>Member certificates usable as client certificates too (extended key usage {@code
 *       serverAuth,clientAuth}): each member's gateway dials its own gRPC side with it, and answers
 *       503 "connection closed" to everything when it cannot.
 *   <li>Private keys in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as OpenSSL 3 writes them.
 * </ul>
 */
package io.redisha.etcd;
