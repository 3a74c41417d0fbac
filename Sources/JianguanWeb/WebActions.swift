import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore

/// A page form's request was outside its principal's scope: answered exactly like a record that
/// does not exist, so a user learns nothing about others' records.
public struct WebNotFound: Error, Sendable {
  public init() {}
}

/// What a signed-in user's forms do: the same store operations, the same rules and refusal
/// sentences as the command line, each first checked against the principal's scope.
public struct WebActions: Sendable {
  public let database: AppDatabase

  public init(database: AppDatabase) { self.database = database }

  /// The form posts each role may make, by path.
  public static let paths: [String: CredentialRole] = [
    "/regulator/institution-status": .regulator, "/regulator/refund-requests/decide": .regulator,
    "/institution/sessions": .institution, "/institution/refund-requests/answer": .institution,
    "/parent/lessons/confirm": .parent, "/parent/lessons/dispute": .parent,
    "/parent/refund-requests": .parent,
  ]

  /// Runs the form posted to `path` for `principal`; returns the sentence to show when done.
  /// Throws a `Rejection` (a missing field or a rule refused: nothing written) or `WebNotFound`.
  public func perform(_ path: String, form: [String: String], principal: Principal) throws -> String {
    guard let role = Self.paths[path], role == principal.role else { throw WebNotFound() }
    func field(_ name: String, label: String) throws -> String {
      guard let value = form[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
        throw Rejection("\(name)_missing", "\(label)（\(name)）不能为空：请填写后再提交")
      }
      return value
    }
    let now = database.clock()
    switch path {
    case "/regulator/institution-status":
      let uscc = try field("uscc", label: "统一社会信用代码")
      let action = try field("action", label: "处理")
      let status: InstitutionStatus
      switch action {
      case "suspend": status = .suspended
      case "reinstate": status = .reinstated
      case "revoke": status = .revoked
      default:
        throw Rejection(
          "action_unknown", "action \(Rejection.quote(action)) must be suspend, reinstate or revoke")
      }
      try requireInBureau(uscc)
      let recorded = try database.changeInstitutionStatus(
        uscc: uscc, to: status, reason: try field("reason", label: "原因"))
      return
        "已记录：\(uscc) \(["suspend": "暂停", "reinstate": "恢复", "revoke": "吊销"][action]!)（账本第 \(recorded.seq) 条）"
    case "/regulator/refund-requests/decide":
      let request = try field("request", label: "申请")
      let agree = try decision(form)
      let outcome = try database.decideRefundRequest(
        request, agree: agree, reason: try field("reason", label: "理由"), today: now.date)
      return refundMessage(request, agree: agree, outcome)
    case "/institution/sessions":
      let classID = try field("class", label: "班级")
      try requireVisible(.classes, classID, principal)
      let absent = (form["absent"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }).map(
        String.init)
      let session = try database.recordClassSession(
        classID: classID, hours: try field("hours", label: "课时"),
        taughtAt: try field("taughtAt", label: "上课时间"), absent: absent, now: now)
      return "已记录 \(classID) 的一次课：\(session.lessons.count) 名学生，待家长确认；缺席 \(session.absent.count) 名"
    case "/institution/refund-requests/answer":
      let request = try field("request", label: "申请")
      try requireVisible(.refundRequests, request, principal)
      let agree = try decision(form)
      let outcome = try database.answerRefundRequest(
        request, agree: agree, reason: try field("reason", label: "理由"), today: now.date)
      return refundMessage(request, agree: agree, outcome)
    case "/parent/lessons/confirm":
      let lesson = try field("lesson", label: "课")
      try requireVisible(.lessons, lesson, principal)
      let recorded = try database.confirmLesson(lesson)
      return "已确认 \(lesson)，课时费已划转给机构（账本第 \(recorded.seq) 条）"
    case "/parent/lessons/dispute":
      let lesson = try field("lesson", label: "课")
      try requireVisible(.lessons, lesson, principal)
      let recorded = try database.disputeLesson(lesson, reason: try field("reason", label: "异议理由"))
      return "已对 \(lesson) 提出异议，资金暂不划转（账本第 \(recorded.seq) 条）"
    default:  // "/parent/refund-requests"
      let enrollment = try field("enrollment", label: "报名")
      try requireVisible(.enrollments, enrollment, principal)
      let hours = form["hours"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
      let recorded = try database.createRefundRequest(
        enrollment: enrollment, hours: hours, reason: try field("reason", label: "原因"), now: now)
      return "已提交退费申请 \(recorded.id)，等待机构答复"
    }
  }

  func decision(_ form: [String: String]) throws -> Bool {
    switch form["decision"] {
    case "agree": return true
    case "refuse": return false
    case let other:
      throw Rejection(
        "decision_unknown", "decision \(Rejection.quote(other ?? "")) must be agree or refuse")
    }
  }

  func refundMessage(_ request: String, agree: Bool, _ outcome: RefundRequestOutcome) -> String {
    guard agree else { return "已拒绝退费申请 \(request)（账本第 \(outcome.answer.seq) 条）" }
    return "已同意退费申请 \(request)，退还 \(Money.formatYuan(outcome.refundedFen)) 元（账本第 \(outcome.answer.seq) 条）"
  }

  func requireInBureau(_ uscc: String) throws {
    let bureau = try database.identity().region
    guard let institution = try? database.institution(uscc), Region.code(institution.region, isInside: bureau)
    else {
      throw WebNotFound()
    }
  }

  /// The record is in the principal's scope (the store's rule, as the service's routes apply it);
  /// one that is not is answered as one that does not exist.
  func requireVisible(_ kind: ViewKind, _ id: String, _ principal: Principal) throws {
    guard (try? database.record(kind, id, for: principal)) != nil else { throw WebNotFound() }
  }
}

/// Signed-in browsers: a session id (the HttpOnly cookie) names the credential it was opened
/// with and the CSRF token its forms carry. Sessions live in memory; a restart signs everyone
/// out. Each request re-reads the credential, so a revocation ends its sessions at once.
public actor WebSessions {
  public struct Session: Sendable {
    public let token: String
    public let csrf: String
    public let expires: Date
    /// What the last form did, shown once by the next page (post, redirect, get).
    public var flash: PageFrame.Flash?
  }

  public static let lifetime: TimeInterval = 8 * 3600
  public static let cookieName = "jianguan_session"
  private var sessions: [String: Session] = [:]

  public init() {}

  /// Opens a session for a bearer token already checked; returns its id and CSRF token.
  public func open(token: String, now: Date = Date()) -> (id: String, csrf: String) {
    sessions = sessions.filter { $0.value.expires > now }
    let id = Self.randomToken()
    let csrf = Self.randomToken()
    sessions[id] = Session(
      token: token, csrf: csrf, expires: now.addingTimeInterval(Self.lifetime), flash: nil)
    return (id, csrf)
  }

  public func session(_ id: String, now: Date = Date()) -> Session? {
    guard let session = sessions[id], session.expires > now else { return nil }
    return session
  }

  public func close(_ id: String) { sessions[id] = nil }

  /// Keeps `flash` for the session's next page.
  public func setFlash(_ id: String, _ flash: PageFrame.Flash) { sessions[id]?.flash = flash }

  /// The flash kept for the session, removed as it is taken.
  public func takeFlash(_ id: String) -> PageFrame.Flash? {
    defer { sessions[id]?.flash = nil }
    return sessions[id]?.flash
  }

  /// A random 32-byte value in hex: session ids and CSRF tokens.
  public static func randomToken() -> String {
    Hex.encode(SecureRandom.bytes(32))
  }
}
