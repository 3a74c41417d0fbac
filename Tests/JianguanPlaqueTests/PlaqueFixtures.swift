import Foundation
import JianguanCore
import JianguanLedger
import JianguanTestSupport

/// Statements and keys the plaque tests share.
enum PlaqueFixtures {
  static let signer = try! NoteSigner.generate(name: "jianguan.110000.example/ledger")

  /// A valid credit code in region 110105 with the given serial.
  static func uscc(_ serial: Int) -> String {
    let first17 = "52110105MJ\(String(format: "%07d", serial))"
    return first17 + String(USCC.checkCharacter(forFirst17: first17)!)
  }

  static func statement(
    name: String = "北京市朝阳区启明艺术培训学校", bank: String = "中国工商银行北京朝阳支行",
    origin: String = "jianguan.110000.example/ledger", status: PlaqueStatement.Status = .active
  ) throws -> PlaqueStatement {
    try PlaqueStatement(
      origin: origin, name: name, uscc: uscc(1), licence: "教民1101057000001号", escrowBank: bank,
      escrowAccount: "0200-0012-3456-7890", status: status,
      date: CalendarDate(year: 2026, month: 6, day: 30)!, treeSize: 1234,
      rootHash: Array(repeating: 0xab, count: 32))
  }

  /// The code of the `Rejection` or `NoteError` that `body` throws, or nil.
  static func refusal(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let rejection as Rejection {
      return rejection.code
    } catch let error as NoteError {
      return error.code.rawValue
    } catch {
      return "unexpected: \(error)"
    }
  }

  /// A fresh scratch folder, as the end-to-end tests make theirs.
  static func scratchFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-plaque-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }
}
