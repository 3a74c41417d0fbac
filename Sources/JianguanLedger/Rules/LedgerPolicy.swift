import JianguanCore
import Synchronization

/// A policy book of the ledger (its last `policy` entry), with the policies it gave by region:
/// an import asks for the same few regions a million times. The write path and the replay both
/// ask it, so a rule applies the same values in either.
public final class LedgerPolicy: Sendable {
  public let book: PolicyBook
  private let byRegion = Mutex<[String: Policy]>([:])

  public init(_ book: PolicyBook) { self.book = book }

  public func policy(for region: String) -> Policy {
    byRegion.withLock { cache in
      if let policy = cache[region] { return policy }
      let policy = book.policy(for: region, regions: nil)
      cache[region] = policy
      return policy
    }
  }

  /// The refusal of a rule that needs a policy when the ledger holds none.
  public static let notLoaded = Rejection(
    "policy_not_loaded", "the ledger holds no policy book; load one with `jianguan policy import FILE`")
}
