/// The version of a log's entry bytes: 1 was canonical JSON, 2 is deterministic CBOR
/// (docs/LEDGER-FORMAT.md). A database holds entries of one version only; v1 is read only to be
/// converted by `jianguan upgrade`.
public enum LedgerFormat: Int64, Sendable {
  case v1 = 1
  case v2 = 2
}
