// libFuzzer harness for every parser of outside data. Built by Tools/fuzz/run.sh with
// `swiftc -sanitize=fuzzer,address`; the target is chosen by $JIANGUAN_FUZZ_TARGET.
// An input may be refused, but only with one of the project's error types carrying a sentence;
// any other error, a trap (overflow, index out of range), a sanitizer report or a hang is a finding.
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger

let target = ProcessInfo.processInfo.environment["JIANGUAN_FUZZ_TARGET"] ?? "amount"
let dataFolder = ProcessInfo.processInfo.environment["JIANGUAN_DATA"] ?? "Data"
let regions: RegionTable = {
  func text(_ name: String) -> String {
    (try? String(contentsOfFile: dataFolder + "/" + name, encoding: .utf8)) ?? ""
  }
  return try! RegionTable(currentCSV: text("regions.csv"), historyCSV: text("regions_history.csv"))
}()
let today = CalendarDate(year: 2026, month: 6, day: 30)!
// The test key of golang.org/x/mod/sumdb/note (docs/LEDGER-FORMAT.md §7).
let verifier = try! NoteVerifier(
  verifierKeyText: "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")

/// Every refusal must be a project error with a non-empty sentence.
func checkRefusal(_ error: any Error) {
  let message: String
  switch error {
  case let e as Rejection: message = e.message
  case let e as CheckpointError: message = e.message
  case let e as NoteError: message = e.message
  case let e as MerkleError: message = e.message
  case let e as CryptoError: message = e.message
  case let e as Receipt.Failure: message = e.message
  case let e as CanonicalJSONParser.Failure: message = e.description
  case let e as Entry.FormatError: message = e.description
  default: fatalError("unclear refusal: \(type(of: error)): \(error)")
  }
  if message.isEmpty { fatalError("refusal without a message: \(type(of: error))") }
}

func run(_ bytes: [UInt8]) throws {
  let text = String(decoding: bytes, as: UTF8.self)
  switch target {
  case "amount": _ = try Money.parseYuan(text, field: "amount")
  case "count": _ = try Money.parseCount(text, field: "hours", range: 1...60)
  case "date": _ = try CalendarDate.parse(text, field: "date")
  case "datetime": _ = try LocalDateTime.parse(text, field: "at")
  case "schedule": _ = try Schedule.parse(text, field: "schedule")
  case "resident-id": _ = try ResidentID.parse(text, field: "id-number", regions: regions, today: today)
  case "uscc": _ = try USCC.parse(text)
  case "text": _ = try TextField.validate(text, field: "name", maxLength: 50)
  case "csv":
    // Fed in two chunks split at the first byte's value, as a file arrives in pieces.
    var reader = CSVRecordReader()
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    _ = try reader.feed(Data(bytes[..<cut]))
    _ = try reader.feed(Data(bytes[cut...]))
    _ = try reader.finish()
  case "supervision-json": _ = try SupervisionFile.parse(bytes, file: "fuzz.json", regions: regions, today: today)
  case "policy-json": _ = try PolicyBook.parse(json: bytes)
  case "canonical-json": _ = try CanonicalJSONParser.parse(bytes)
  case "entry":
    let entry = try Entry.parse(bytes)
    _ = try Event(kind: entry.kind, payload: entry.payload)
  case "checkpoint": _ = try Checkpoint.parse(text)
  case "signed-note": _ = try SignedNote.open(bytes: bytes, verifiers: [verifier])
  case "receipt": _ = try Receipt.parse(json: bytes)
  case "inclusion-proof": _ = try MerkleInclusionProof.parse(json: bytes)
  case "consistency-proof": _ = try MerkleConsistencyProof.parse(json: bytes)
  default: fatalError("unknown JIANGUAN_FUZZ_TARGET \(target)")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: start, count: count))
  do { try run(bytes) } catch { checkRefusal(error) }
  return 0
}
