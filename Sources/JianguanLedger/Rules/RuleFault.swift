import JianguanCore

/// How the replay words an entry that a rule set refuses: `SUBJECT breaks the rule CODE:
/// sentence`, the write path's own code and sentence. One wording for every rule set.
enum RuleFault {
  /// The fault `check` shows for `subject` (`payment`, `lesson`, an entry's kind); nil when it passes.
  static func of(_ subject: String, _ check: () throws -> Void) -> String? {
    do {
      try check()
      return nil
    } catch let rejection as Rejection {
      return "\(subject) breaks the rule \(rejection.code): \(rejection.message)"
    } catch {
      return "\(subject) cannot be checked against the rules: \(error)"
    }
  }
}
