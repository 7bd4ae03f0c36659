package io.ddlcast.producer.settle;

import io.ddlcast.producer.capture.Xid;
import java.util.Set;

/** One round's question to the primary: the transaction ids whose status ({@code pg_xact_status}) settles DDL. */
public record Question(Set<Xid> xids) {}
