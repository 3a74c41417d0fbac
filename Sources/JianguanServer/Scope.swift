import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// Which routes a role may use: one it may never use is 403. Which records it may see is the
/// store's rule (`AppDatabase.record(_:_:for:)`): a record outside its scope is answered exactly as
/// one that does not exist.
enum Scope {
  /// 403 unless the principal's role is one of `roles`.
  static func require(_ principal: Principal, _ roles: Set<CredentialRole>, route: String) throws {
    guard roles.contains(principal.role) else {
      throw APIError(
        .forbidden, "role_not_allowed",
        "\(principal.role == .auditor || principal.role == .institution ? "an" : "a") \(principal.role.rawValue) credential may not use \(route)"
      )
    }
  }
}
