import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore

/// What every page's frame shows: who is signed in, the form token, a message after an action.
public struct PageFrame: Sendable {
  public struct Flash: Sendable {
    public let kind: String
    public let message: String
    public var role: String { kind == "error" ? "alert" : "status" }
    public static func error(_ message: String) -> Flash { Flash(kind: "error", message: message) }
    public static func done(_ message: String) -> Flash { Flash(kind: "done", message: message) }
  }

  public var principal: Principal?
  /// The session's CSRF token, put in every form; empty before a session exists.
  public var csrf: String
  public var flash: Flash?

  public init(principal: Principal? = nil, csrf: String = "", flash: Flash? = nil) {
    self.principal = principal
    self.csrf = csrf
    self.flash = flash
  }
}

/// The server-rendered pages (issue 18): the public lists, the regulator's, the institution's and
/// the parent's pages. Each reads what its principal may see through the store's queries and
/// renders a template; the server decides who may open which (`WebPages` trusts its caller).
public struct WebPages: Sendable {
  public let database: AppDatabase

  public init(database: AppDatabase) { self.database = database }

  var today: CalendarDate { database.clock().date }

  // MARK: Frame

  struct NavLink {
    let href: String
    let label: String
    let current: Bool
  }

  func page(_ title: String, path: String, frame: PageFrame, template: String, _ object: Any) throws -> String
  {
    let body = WebTemplates.library.render(object, withTemplate: template) ?? ""
    var links: [(String, String)] = [("/", "公示名单")]
    switch frame.principal?.role {
    case .regulator?, .auditor?: links += [("/regulator", "监管总览"), ("/regulator/ledger", "账本")]
    case .institution?: links.append(("/institution", "本机构"))
    case .parent?: links.append(("/parent", "我的孩子"))
    case .bank?, nil: break
    }
    if frame.principal == nil { links.append(("/login", "登录")) }
    var layout: [String: Any] = [
      "title": title, "bureau": try database.identity().authority, "body": body,
      "nav": links.map { NavLink(href: $0.0, label: $0.1, current: $0.0 == path) },
      "csrf": frame.csrf, "ledgerSize": try database.size(), "today": today.description,
    ]
    // A key is set only when there is a value: Mustache takes an Optional inside Any as present.
    layout["who"] = frame.principal.map(Self.who)
    layout["flash"] = frame.flash
    return WebTemplates.library.render(layout, withTemplate: "layout") ?? ""
  }

  static func who(_ principal: Principal) -> String {
    switch principal.role {
    case .regulator: "监管部门 \(principal.credential)"
    case .auditor: "审计 \(principal.credential)"
    case .institution: "机构 \(principal.institution ?? "")"
    case .parent: "家长 \(principal.parent ?? "")"
    case .bank: "银行 \(principal.bank ?? "")"
    }
  }

  static func statusText(_ status: String) -> String {
    switch status {
    case "active": "正常经营"
    case "suspended": "暂停"
    case "revoked": "吊销"
    default: status
    }
  }

  static func yuan(_ fen: Int64) -> String { Money.formatYuan(fen) }

  // MARK: Public

  public func login(frame: PageFrame) throws -> String {
    try page("登录", path: "/login", frame: frame, template: "login", ["csrf": frame.csrf])
  }

  public func message(
    _ heading: String, _ text: String, link: (href: String, label: String)? = nil, frame: PageFrame
  )
    throws -> String
  {
    var object: [String: Any] = ["heading": heading, "text": text]
    if let link { object["link"] = ["href": link.href, "label": link.label] }
    return try page(heading, path: "", frame: frame, template: "message", object)
  }

  /// The white and black lists, narrowed by `search` (name or USCC) and `district`.
  public func publicLists(search: String?, district: String?, frame: PageFrame) throws -> String {
    let bureau = try database.identity().region
    let districts = counties(within: bureau)
    if let district, !district.isEmpty, !districts.contains(where: { $0.code == district }) {
      throw Rejection(
        "district_unknown", "district \(Rejection.quote(district)) is not a county of this bureau")
    }
    func row(_ holding: InstitutionHolding) -> [String: String] {
      let institution = holding.institution
      return [
        "name": institution.name, "uscc": institution.uscc,
        "district": database.reference.regions.region(institution.region)?.name ?? institution.region,
        "kind": institution.kind == "subject" ? "学科类" : "非学科类（\(institution.category ?? "")）",
        "licence": institution.licence, "bank": institution.escrowBank,
        "reason": institution.statusReason ?? "", "date": holding.statusSince,
      ]
    }
    let white = try database.publicRegistry(status: "active", search: search, district: district).map(row)
    let black = try database.publicRegistry(status: "revoked", search: search, district: district).map(row)
    let object: [String: Any] = [
      "q": search ?? "", "white": white, "black": black, "whiteCount": white.count, "blackCount": black.count,
      "districts": districts.map { ["code": $0.code, "name": $0.name, "selected": $0.code == district] },
    ]
    return try page("公示名单", path: "/", frame: frame, template: "public", object)
  }

  /// The counties (districts) within `code`, in code order.
  func counties(within code: String) -> [Region] {
    let regions = database.reference.regions
    guard let region = regions.region(code) else { return [] }
    if region.level == .county { return [region] }
    return regions.children(of: code).flatMap { counties(within: $0.code) }
  }

  // MARK: Regulator

  /// The dashboard of `region` (the bureau's own by default): institutions by status with the
  /// escrow held, the next level down to drill into, today's risks, coverage, actions.
  public func regulator(region requested: String?, frame: PageFrame) throws -> String {
    let bureau = try database.identity().region
    let region = requested.flatMap { $0.isEmpty ? nil : $0 } ?? bureau
    guard database.reference.regions.region(region) != nil, Region.code(region, isInside: bureau) else {
      throw Rejection(
        "region_outside_bureau", "region \(Rejection.quote(region)) is not within this bureau (\(bureau))")
    }
    let holdings = try database.institutionHoldings(region: region)
    let levels = database.regionHoldings(holdings)
    // The next level down with more than one division (Beijing's one prefecture is skipped).
    var parentCode = region
    var children: [RegionHolding] = []
    while true {
      children = levels.filter {
        database.reference.regions.ancestry(of: $0.region).dropFirst().first?.code == parentCode
      }
      guard children.count == 1, children[0].level != "county" else { break }
      parentCode = children[0].region
    }
    let shown = children.isEmpty ? levels.filter { $0.region == region } : children
    let total = levels.first { $0.region == region }
    let prefix = Region.codePrefix(region)
    let risks = try database.riskAlerts(asOf: today).filter { $0.region.hasPrefix(prefix) }
    let coverage = try database.coverage(region: region, asOf: today).rows.filter { $0.level == "county" }
    let escalated = try database.list(
      .refundRequests, filter: Self.filter(status: "escalated"), limit: 1000, after: nil
    )
    .records.filter { record in
      guard let enrollment = record.text("enrollment"),
        let institution = try? database.show(.enrollments, enrollment).text("institution")
      else { return false }
      return holdings.contains { $0.institution.uscc == institution }
    }
    let ancestry = database.reference.regions.ancestry(of: region)
    let up = region == bureau ? nil : ancestry.dropFirst().first
    var object: [String: Any] = [
      "regionName": database.reference.regions.region(region)?.name ?? region,
      "active": total?.active ?? 0, "suspended": total?.suspended ?? 0, "revoked": total?.revoked ?? 0,
      "escrow": Self.yuan(total?.escrowFen ?? 0),
      "chart": SVGChart.bars(
        shown.map { SVGChart.Bar(label: $0.name, valueFen: $0.escrowFen) }, title: "各地区监管资金余额"),
      "regions": shown.map { row -> [String: Any] in
        [
          "code": row.region, "name": row.name, "drill": row.level != "county", "active": row.active,
          "suspended": row.suspended, "revoked": row.revoked, "escrow": Self.yuan(row.escrowFen),
        ]
      },
      "riskCount": risks.count,
      "risks": risks.map { risk in
        [
          "name": risk.name, "uscc": risk.uscc, "reason": Self.riskText(risk.reason),
          "detail": risk.detailChinese,
          "region": database.reference.regions.region(risk.region)?.name ?? risk.region,
        ]
      },
      "coverage": coverage.map { row in
        [
          "name": row.name, "active": row.active, "escrowAccount": row.escrowAccount,
          "paid": row.paidThroughEscrow,
          "full": row.fullyOnboarded,
        ]
      },
      "institutions": holdings.map { holding in
        [
          "name": holding.institution.name, "uscc": holding.institution.uscc,
          "status": holding.institution.status,
          "statusText": Self.statusText(holding.institution.status), "escrow": Self.yuan(holding.escrowFen),
        ]
      },
      "escalatedCount": escalated.count,
      "escalated": escalated.map { record in
        [
          "id": record.id, "enrollment": record.text("enrollment") ?? "",
          "hours": record.text("hours") ?? "全部",
          "reason": record.text("reason") ?? "", "csrf": frame.csrf,
          "canAct": frame.principal?.role == .regulator,
        ]
      },
      "csrf": frame.csrf, "today": today.description, "canAct": frame.principal?.role == .regulator,
    ]
    object["up"] = up.map { ["code": $0.code, "name": $0.name] }
    return try page("监管总览", path: "/regulator", frame: frame, template: "regulator", object)
  }

  static func riskText(_ reason: String) -> String {
    switch reason {
    case "escrow_months": "预收费超过规定期限"
    case "dispute_share": "消课争议比例偏高"
    case "complaints": "投诉集中"
    case "escrow_while_closed": "停办或吊销后仍持有监管资金"
    case "licence_expiring": "办学许可证即将到期"
    case "findings_overdue": "整改逾期未完成"
    default: reason
    }
  }

  /// One entry of the log, its inclusion proof in the whole tree, and the latest signed checkpoint.
  public func ledgerEntry(seq requested: Int64?, frame: PageFrame) throws -> String {
    let size = try database.size()
    let seq = requested ?? size
    guard seq >= 1, seq <= size else {
      throw Rejection("seq_beyond_log", "seq \(seq) is not in the log, which has \(size) entries")
    }
    var line: LedgerLine?
    try database.entries(fromSeq: seq, limit: 1) { line = $0 }
    guard let line else {
      throw Rejection("seq_missing", "entry \(seq) is missing from the log; run `jianguan audit`")
    }
    let proof = try database.inclusionProof(seq: seq, size: size)
    var object: [String: Any] = [
      "seq": seq, "kind": line.kind, "hash": Hex.encode(line.hash),
      "entry": line.entryJSON?.canonicalText ?? Hex.encode(line.entryBytes),
      "treeSize": proof.treeSize, "root": Hex.encode(proof.rootHash), "proof": proof.hashes.map(Hex.encode),
    ]
    object["checkpoint"] = try database.checkpoints().last?.note
    object["previous"] = seq > 1 ? seq - 1 : nil
    object["next"] = seq < size ? seq + 1 : nil
    return try page("账本记录 \(seq)", path: "/regulator/ledger", frame: frame, template: "ledger", object)
  }

  // MARK: Institution

  public func institution(_ uscc: String, frame: PageFrame) throws -> String {
    let institution = try database.institution(uscc)
    let balance = try database.balance(.institution(uscc))
    var filter = ViewFilter()
    filter.institution = uscc
    let classes = try database.list(.classes, filter: filter, limit: 1000, after: nil).records.map { record in
      let roster = (try? database.classWithRoster(record.id).roster) ?? []
      let course = record.text("course") ?? ""
      return [
        "id": record.id,
        "course": (try? database.show(.courses, course).text("name")).flatMap { $0 } ?? course,
        "starts": record.text("starts") ?? "", "ends": record.text("ends") ?? "", "students": roster.count,
        "roster": roster.map { row in
          [
            "student": row.text("student") ?? "", "enrollment": row.text("enrollment") ?? "",
            "hoursPaid": row.text("hoursPaid") ?? "", "hoursPending": row.text("hoursPending") ?? "",
            "hoursLeft": row.text("hoursLeft") ?? "",
          ]
        },
      ] as [String: Any]
    }
    filter.status = "open"
    let open = try database.list(.refundRequests, filter: filter, limit: 1000, after: nil).records.map {
      record in
      let due = record.text("answerDue") ?? ""
      let days = (try? CalendarDate.parse(due, field: "answerDue")).map {
        $0.daysSinceEpoch - today.daysSinceEpoch
      }
      return [
        "id": record.id, "enrollment": record.text("enrollment") ?? "", "hours": record.text("hours") ?? "全部",
        "due": due, "daysLeft": days.map { $0 < 0 ? "已逾期 \(-$0) 天" : "\($0) 天" } ?? "", "csrf": frame.csrf,
      ]
    }
    let series = try database.escrowSeries(institution: uscc)
    let object: [String: Any] = [
      "name": institution.name, "status": institution.status,
      "statusText": Self.statusText(institution.status),
      "escrow": Self.yuan(balance.escrowFen), "enrollments": balance.enrollments,
      "chart": SVGChart.steps(
        series.map { SVGChart.Point(label: $0.day, valueFen: $0.escrowFen) }, title: "监管资金余额变化"),
      "classes": classes, "open": open, "openCount": open.count, "csrf": frame.csrf,
    ]
    return try page(institution.name, path: "/institution", frame: frame, template: "institution", object)
  }

  // MARK: Parent

  public func parent(_ parent: String, frame: PageFrame) throws -> String {
    var filter = ViewFilter()
    filter.parent = parent
    let enrollments = try database.list(.enrollments, filter: filter, limit: 1000, after: nil).records.map {
      record in
      [
        "id": record.id, "student": record.text("student") ?? "", "class": record.text("class") ?? "",
        "institution": (try? database.institution(record.text("institution") ?? "").name) ?? "",
        "hoursPaid": record.text("hoursPaid") ?? "", "hoursLeft": record.text("hoursLeft") ?? "",
        "escrow": Self.yuan(record.integer("escrowFen") ?? 0), "csrf": frame.csrf,
      ]
    }
    filter.status = "pending"
    let pending = try database.list(.lessons, filter: filter, limit: 1000, after: nil).records.map { record in
      [
        "id": record.id, "enrollment": record.text("enrollment") ?? "",
        "taughtAt": record.text("taughtAt") ?? "",
        "hours": record.text("hours") ?? "", "csrf": frame.csrf,
      ]
    }
    filter.status = nil
    let requests = try database.list(.refundRequests, filter: filter, limit: 1000, after: nil).records.map {
      record in
      [
        "id": record.id, "enrollment": record.text("enrollment") ?? "", "hours": record.text("hours") ?? "全部",
        "statusText": Self.requestStatusText(record.text("status") ?? ""),
        "due": record.text("answerDue") ?? "",
        "reason": record.text("reason") ?? "",
      ]
    }
    let object: [String: Any] = [
      "enrollments": enrollments, "enrollmentCount": enrollments.count, "pending": pending,
      "pendingCount": pending.count,
      "requests": requests, "csrf": frame.csrf,
    ]
    return try page("我的孩子的课程", path: "/parent", frame: frame, template: "parent", object)
  }

  /// A parent's e-contract, as the model contract's text (the caller checked it is theirs).
  public func contract(enrollment: String, frame: PageFrame) throws -> String {
    let text = ContractText.render(try database.contract(enrollment: enrollment))
    return try page(
      "电子合同 \(enrollment)", path: "/parent", frame: frame, template: "contract",
      ["enrollment": enrollment, "text": text])
  }

  static func requestStatusText(_ status: String) -> String {
    switch status {
    case "open": "待机构答复"
    case "agreed": "已同意"
    case "refused": "已拒绝"
    case "escalated": "已提交监管部门裁决"
    default: status
    }
  }

  static func filter(status: String) -> ViewFilter {
    var filter = ViewFilter()
    filter.status = status
    return filter
  }
}
