import Foundation
import HTTPTypes
import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanPlaque
import JianguanStore
import JianguanWeb

/// The web pages (issue 18) on the service's own data: the public lists and plaques without a
/// login; the regulator's, institution's and parent's pages behind a session opened with the
/// same credential as the API. The session is an HttpOnly, SameSite=Strict cookie; every form
/// carries the session's CSRF token (the login form a cookie-bound one); every write goes
/// through the group commit like the API's.
struct PageRoutes: Sendable {
  let reader: AppDatabase
  let commit: GroupCommit
  let sessions: WebSessions
  /// The bureau's checkpoint key (`serve --key`): plaques are signed with it.
  let signer: NoteSigner?
  let secureCookies: Bool

  static let loginCookie = "jianguan_login"
  static let formBytesMax = 16 * 1024

  var pages: WebPages { WebPages(database: reader) }

  func register(on router: Router<ServerRequestContext>) {
    router.get("static/site.css") { _, _ in
      Response(
        status: .ok,
        headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
        body: .init(byteBuffer: ByteBuffer(string: WebStyle.css)))
    }
    router.get("/") { request, _ in
      let frame = try await frame(request)
      return try html {
        try pages.publicLists(
          search: request.uri.queryParameters.get("q"), district: request.uri.queryParameters.get("district"),
          frame: frame)
      } refused: {
        try pages.message("查询条件有误", $0, link: ("/", "返回公示名单"), frame: frame)
      }
    }
    router.get("plaque/:uscc") { _, context in
      let uscc = context.parameters.get("uscc") ?? ""
      guard let signer else {
        return try html(status: .serviceUnavailable) {
          try pages.message("码牌暂不可用", "本服务启动时未提供检查点签名密钥（serve --key），不能签发码牌。", frame: PageFrame())
        }
      }
      do {
        let plaque = try reader.plaque(uscc: uscc, signer: signer)
        return Self.htmlResponse(try PlaquePage.html(plaque))
      } catch let rejection as Rejection {
        let status: HTTPResponse.Status =
          rejection.code == "institution_unknown" ? .notFound : .unprocessableContent
        return try html(status: status) {
          try pages.message("没有这个机构的码牌", rejection.message, link: ("/", "返回公示名单"), frame: PageFrame())
        }
      }
    }
    router.get("login") { request, _ in
      let csrf = WebSessions.randomToken()
      var response = try html { try pages.login(frame: PageFrame(csrf: csrf)) }
      response.setCookie(cookie(Self.loginCookie, csrf, maxAge: 3600))
      return response
    }
    router.post("login") { request, _ in
      let form = try await Self.form(request)
      guard let expected = request.cookies[Self.loginCookie]?.value, form["csrf"] == expected else {
        return try html(status: .forbidden) {
          try pages.message("登录表单已过期", "请重新打开登录页后再试。", link: ("/login", "登录"), frame: PageFrame())
        }
      }
      guard let token = form["token"], let principal = try reader.principal(bearerToken: token) else {
        let csrf = WebSessions.randomToken()
        var response = try html(status: .unauthorized) {
          try pages.login(frame: PageFrame(csrf: csrf, flash: .error("凭证无效或已被吊销，请核对后重试。")))
        }
        response.setCookie(cookie(Self.loginCookie, csrf, maxAge: 3600))
        return response
      }
      let (id, _) = await sessions.open(token: token)
      var response = Response(status: .seeOther, headers: [.location: Self.home(principal.role)])
      response.setCookie(cookie(WebSessions.cookieName, id, maxAge: Int(WebSessions.lifetime)))
      response.setCookie(cookie(Self.loginCookie, "", maxAge: 0))
      return response
    }
    router.post("logout") { request, _ in
      let form = try await Self.form(request)
      if let id = request.cookies[WebSessions.cookieName]?.value, let session = await sessions.session(id),
        form["csrf"] == session.csrf
      {
        await sessions.close(id)
      }
      var response = Response(status: .seeOther, headers: [.location: "/"])
      response.setCookie(cookie(WebSessions.cookieName, "", maxAge: 0))
      return response
    }
    router.get("regulator") { request, _ in
      try await page(request, roles: [.regulator, .auditor]) { frame in
        try pages.regulator(region: request.uri.queryParameters.get("region"), frame: frame)
      }
    }
    router.get("regulator/ledger") { request, _ in
      try await page(request, roles: [.regulator, .auditor]) { frame in
        let text = request.uri.queryParameters.get("seq")
        let seq = try text.map { try AppDatabase.parsePosition(String($0), field: "seq") }
        return try pages.ledgerEntry(seq: seq, frame: frame)
      }
    }
    router.get("regulator/bulletin") { request, _ in
      try await page(request, roles: [.regulator, .auditor]) { frame in
        let text: String =
          request.uri.queryParameters.get("date").map { String($0) } ?? reader.clock().date.description
        let day = try CalendarDate.parse(text, field: "date")
        let bulletin = try reader.bulletin(
          Bulletin.Header(date: day, issuer: try reader.identity().authority))
        return bulletin.html(fontFamily: "Noto Sans CJK SC")
      }
    }
    router.get("regulator/bulletin.pdf") { request, _ in
      guard let session = try await session(request) else {
        return Self.toLogin
      }
      let frame = PageFrame(principal: session.principal, csrf: session.csrf)
      guard [.regulator, .auditor].contains(session.principal.role) else { return try notFound(frame) }
      do {
        let text: String =
          request.uri.queryParameters.get("date").map { String($0) } ?? reader.clock().date.description
        let day = try CalendarDate.parse(text, field: "date")
        let bulletin = try reader.bulletin(
          Bulletin.Header(date: day, issuer: try reader.identity().authority))
        return Response(
          status: .ok,
          headers: [
            .contentType: "application/pdf",
            .contentDisposition: "attachment; filename=\"bulletin-\(day).pdf\"",
          ],
          body: .init(byteBuffer: ByteBuffer(bytes: try BulletinPDF.data(bulletin))))
      } catch let rejection as Rejection {
        return try html(status: .unprocessableContent) {
          try pages.message("无法生成快报", rejection.message, link: ("/regulator", "返回"), frame: frame)
        }
      } catch let failure as PDFToolFailure {
        return try html(status: .serviceUnavailable) {
          try pages.message("暂不能生成 PDF", failure.message, link: ("/regulator", "返回"), frame: frame)
        }
      }
    }
    router.get("institution") { request, _ in
      try await page(request, roles: [.institution]) { frame in
        try pages.institution(frame.principal?.institution ?? "", frame: frame)
      }
    }
    router.get("parent") { request, _ in
      try await page(request, roles: [.parent]) { frame in
        try pages.parent(frame.principal?.parent ?? "", frame: frame)
      }
    }
    router.get("parent/contract/:enrollment") { request, context in
      let enrollment = context.parameters.get("enrollment") ?? ""
      return try await page(request, roles: [.parent]) { frame in
        // Another family's contract is answered as one that does not exist.
        guard (try? reader.show(.enrollments, enrollment).text("parent")) == frame.principal?.parent else {
          throw WebNotFound()
        }
        return try pages.contract(enrollment: enrollment, frame: frame)
      }
    }
    router.post("parent/receipt") { request, _ in try await receipt(request) }
    // Browsers ask for an icon: none, rather than a 404 in every page's console.
    router.get("favicon.ico") { _, _ in Response(status: .noContent) }
    for (path, role) in WebActions.paths {
      router.post(RouterPath(path)) { request, _ in
        try await act(request, path: path, role: role)
      }
    }
  }

  // MARK: Sessions and pages

  func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
    Cookie(
      name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true,
      sameSite: .strict)
  }

  static func home(_ role: CredentialRole) -> String {
    switch role {
    case .regulator, .auditor: "/regulator"
    case .institution: "/institution"
    case .parent: "/parent"
    case .bank: "/"
    }
  }

  /// The signed-in principal and the session's CSRF token; re-read on every request, so a
  /// revoked credential's session ends at once.
  func session(_ request: Request) async throws -> (principal: Principal, csrf: String, id: String)? {
    guard let id = request.cookies[WebSessions.cookieName]?.value, let session = await sessions.session(id),
      let principal = try reader.principal(bearerToken: session.token)
    else { return nil }
    return (principal, session.csrf, id)
  }

  func frame(_ request: Request) async throws -> PageFrame {
    guard let session = try await session(request) else { return PageFrame() }
    return PageFrame(
      principal: session.principal, csrf: session.csrf, flash: await sessions.takeFlash(session.id))
  }

  /// A page for `roles`: without a session, to the login page; for another role, not found.
  func page(_ request: Request, roles: Set<CredentialRole>, _ render: (PageFrame) throws -> String)
    async throws -> Response
  {
    guard let session = try await session(request) else {
      return Self.toLogin
    }
    let principal = session.principal
    let frame = PageFrame(
      principal: principal, csrf: session.csrf, flash: await sessions.takeFlash(session.id))
    guard roles.contains(principal.role) else { return try notFound(frame) }
    do {
      return try html { try render(frame) }
    } catch is WebNotFound {
      return try notFound(frame)
    } catch let rejection as Rejection {
      return try html(status: APIError.refused(rejection).status) {
        try pages.message("无法显示", rejection.message, link: (Self.home(principal.role), "返回"), frame: frame)
      }
    }
  }

  /// Without a session: to the login page.
  static var toLogin: Response { Response(status: .seeOther, headers: [.location: "/login"]) }

  /// A form whose CSRF token is not the session's (a page kept open across a new login).
  func staleForm(_ frame: PageFrame) throws -> Response {
    let home = frame.principal.map { Self.home($0.role) } ?? "/"
    return try html(status: .forbidden) {
      try pages.message("表单已过期", "请刷新页面后重新提交。", link: (home, "返回"), frame: frame)
    }
  }

  func notFound(_ frame: PageFrame) throws -> Response {
    try html(status: .notFound) { try pages.message("没有找到", "没有这个页面或记录。", link: ("/", "返回首页"), frame: frame) }
  }

  /// A form post: the session's CSRF token, then the action through the group commit, then a
  /// redirect to the role's page, which shows the outcome once (the CLI's sentence when a rule
  /// refused it: nothing was written). Reloading that page does not post the form again.
  func act(_ request: Request, path: String, role: CredentialRole) async throws -> Response {
    let form = try await Self.form(request)
    guard let session = try await session(request) else {
      return Self.toLogin
    }
    let principal = session.principal
    guard form["csrf"] == session.csrf else {
      return try staleForm(PageFrame(principal: principal, csrf: session.csrf))
    }
    do {
      let value = try await commit.submit { database in
        .string(try WebActions(database: database).perform(path, form: form, principal: principal))
      }
      guard case .string(let message) = value else { throw WebNotFound() }
      await sessions.setFlash(session.id, .done(message))
    } catch is WebNotFound {
      return try notFound(PageFrame(principal: principal, csrf: session.csrf))
    } catch let rejection as Rejection {
      await sessions.setFlash(session.id, .error(rejection.message))
    }
    return Response(status: .seeOther, headers: [.location: Self.home(principal.role)])
  }

  /// A parent's receipt for an enrollment's payment: the entry, its inclusion proof and a new
  /// checkpoint signed with `serve --key` (an entry of the log, so it goes through the commit).
  func receipt(_ request: Request) async throws -> Response {
    let form = try await Self.form(request)
    guard let session = try await session(request), session.principal.role == .parent else {
      return Self.toLogin
    }
    let frame = PageFrame(principal: session.principal, csrf: session.csrf)
    guard form["csrf"] == session.csrf else { return try staleForm(frame) }
    let enrollment = form["enrollment"] ?? ""
    guard (try? reader.show(.enrollments, enrollment).text("parent")) == session.principal.parent else {
      return try notFound(frame)
    }
    guard let signer else {
      await sessions.setFlash(session.id, .error("本服务启动时未提供检查点签名密钥（serve --key），暂不能出具回执。"))
      return Response(status: .seeOther, headers: [.location: "/parent"])
    }
    let signedAt = reader.clock().description
    let value = try await commit.submit { database in
      let seq = try database.seq(of: .enrollments, enrollment)
      return .string(try database.receipt(seq: seq, signer: signer, signedAt: signedAt).jsonText())
    }
    guard case .string(let text) = value else { throw WebNotFound() }
    return Response(
      status: .ok,
      headers: [
        .contentType: "application/json; charset=utf-8",
        .contentDisposition: "attachment; filename=\"receipt-\(enrollment).json\"",
      ],
      body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
  }

  // MARK: HTML and forms

  static func htmlResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
      status: status,
      headers: [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
        HTTPField.Name("Content-Security-Policy")!:
          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
      ],
      body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  func html(status: HTTPResponse.Status = .ok, _ render: () throws -> String) throws -> Response {
    Self.htmlResponse(try render(), status: status)
  }

  func html(_ render: () throws -> String, refused: (String) throws -> String) throws -> Response {
    do { return Self.htmlResponse(try render()) } catch let rejection as Rejection {
      return Self.htmlResponse(try refused(rejection.message), status: .unprocessableContent)
    }
  }

  /// An `application/x-www-form-urlencoded` body as fields (the last of a repeated name wins).
  static func form(_ request: Request) async throws -> [String: String] {
    let buffer = try await request.body.collect(upTo: formBytesMax)
    let text = String(buffer: buffer)
    var fields: [String: String] = [:]
    for pair in text.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      func decode(_ part: Substring) -> String {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
      }
      fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
    }
    return fields
  }
}
