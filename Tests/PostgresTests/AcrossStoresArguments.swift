import JianguanTestSupport

extension AcrossStoresRequest {
  /// The institution of the class `Bureau.classBureau` registers.
  static let classBureauInstitution = "52340104MJ4300001F"

  /// The command line of the request; nil for `.clock`, which sets `JIANGUAN_NOW` instead.
  var arguments: [String]? {
    switch self {
    case .pay(let student, let hours, let yuan, let ref):
      [
        "pay", "--student", "S\(student + 1)", "--class", "B1", "--hours", "\(hours)", "--amount", "\(yuan)",
        "--bank-ref", ref, "--at", AcrossStoresRequest.paidAt,
      ]
    case .lesson(let enrollment, let hours, let at):
      ["lesson", "record", "--enrollment", enrollment, "--hours", "\(hours)", "--taught-at", at]
    case .refund(let enrollment, let hours, let ref):
      ["refund", "--enrollment", enrollment, "--reason", "搬家", "--bank-ref", ref]
        + (hours.map { ["--hours", "\($0)"] } ?? ["--all"])
    case .clock: nil
    case .confirm(let lesson): ["lesson", "confirm", lesson]
    case .dispute(let lesson): ["lesson", "dispute", lesson, "--reason", "没上课"]
    case .close(let prefix):
      [
        "institution", "close", Self.classBureauInstitution, "--reason", "举办者申请注销", "--bank-ref-prefix",
        prefix,
      ]
    case .rate(let enrollment, let score):
      ["rating", "add", "--enrollment", enrollment, "--score", "\(score)"]
    case .apply(let enrollment, let hours):
      ["refund-request", "create", "--enrollment", enrollment, "--reason", "搬家"]
        + (hours.map { ["--hours", "\($0)"] } ?? ["--all"])
    case .answer(let request, let agree):
      ["refund-request", "answer", request, agree ? "--agree" : "--refuse", "--reason", "核实"]
    case .escalate(let request): ["refund-request", "escalate", request, "--reason", "不服"]
    case .decide(let request, let agree):
      ["refund-request", "decide", request, agree ? "--agree" : "--refuse", "--reason", "裁决"]
    case .settle(let asOf): ["settle", "--as-of", asOf]
    case .erase(let parent): ["parent", "erase", parent, "--reason", "家长申请删除", "--yes-erase"]
    case .issue(let role, let institution, let parent, let bank):
      ["credential", "issue", "--role", role]
        + (institution.map {
          ["--institution", $0 == AcrossStoresRequest.classInstitution ? Self.classBureauInstitution : $0]
        } ?? []) + (parent.map { ["--parent", $0] } ?? []) + (bank.map { ["--bank", $0] } ?? [])
    case .revoke(let credential): ["credential", "revoke", credential, "--reason", "离职"]
    }
  }
}
