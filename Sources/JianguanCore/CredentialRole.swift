/// Who a credential speaks for (issue 16): what a request carrying it may see and do.
public enum CredentialRole: String, Sendable, CaseIterable, Codable {
  /// Everything in the bureau's region.
  case regulator
  /// One institution's own records: its classes, lessons, answers to refund applications.
  case institution
  /// One parent's own children's enrollments: confirm or dispute lessons, apply for refunds.
  case parent
  /// Payment notifications and refund execution for the escrow accounts one bank holds.
  case bank
  /// Read-only: the log, proofs, checkpoints, reports.
  case auditor

  /// The scope option each role needs (`--institution`, `--parent`, `--bank`), or nil.
  public var scopeOption: String? {
    switch self {
    case .regulator, .auditor: nil
    case .institution: "institution"
    case .parent: "parent"
    case .bank: "bank"
    }
  }

  /// Parses a role typed by a user.
  public static func parse(_ text: String, field: String = "role") throws -> CredentialRole {
    guard let role = CredentialRole(rawValue: text) else {
      throw Rejection(
        "\(field)_unknown",
        "\(field) \(Rejection.quote(text)) is not a role; the roles are \(allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    return role
  }
}
