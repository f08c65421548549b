package io.redisha.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A pair of nodes that run Redis groups behind virtual IPs, with the agents' aggregated state. */
@Group("redisha.io")
@Version("v1alpha1")
@ShortNames("rhp")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Whether every group has one healthy master.")
@AdditionalPrinterColumn(
    name = "Masters",
    jsonPath = ".status.masters",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "The master node of each group, as group=node.")
@AdditionalPrinterColumn(
    name = "Failovers",
    jsonPath = ".status.failovers",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Failovers seen by the operator, over all groups.")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Nodes",
    jsonPath = ".spec.nodes[*].name",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Protection",
    jsonPath = ".spec.splitBrainProtection",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Message",
    jsonPath = ".status.message",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
public class RedisHAPair extends CustomResource<RedisHAPairSpec, RedisHAPairStatus>
    implements Namespaced {}
