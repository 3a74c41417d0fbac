/// `policy`: the policy book the rules apply (the whole `Data/policy.json` document, as its
/// text), loaded into the log at `init` and by `jianguan policy import FILE`, so that the replay
/// and an outside verifier apply exactly the values the rules applied. The last `policy` entry
/// is in force from its seq on.
public struct PolicyLoaded: Codable, Equatable, Sendable {
  /// The policy file's text (UTF-8 JSON, see `PolicyBook`).
  public var document: String

  public init(document: String) { self.document = document }
}
