import JianguanCore
import JianguanLedger

/// A second store, in memory, in a few lines: the store-independent `ReplayedLedger` answers the
/// operations' questions from the replay's own state, and this keeps its entries in an array. It
/// has no copy of any rule, so the operations can be run on it and on the SQLite store and their
/// entries compared.
public final class MemoryLedger: EntryKeeper {
  public let ledger: ReplayedLedger
  public private(set) var entries: [Event] = []
  public private(set) var entryBytes: [[UInt8]] = []
  private var bankRefSeqs: [String: Int64] = [:]
  private var lessons: [String: EarlierLesson] = [:]
  /// The sealed personal data, by commitment (erasure is not modelled here).
  public private(set) var persons: [String: (role: String, maskedID: String, sealed: [UInt8])] = [:]

  public init(clock: LocalDateTime) {
    ledger = ReplayedLedger(clock: clock)
    ledger.keeper = self
  }

  public var clock: LocalDateTime {
    get { ledger.clock }
    set { ledger.clock = newValue }
  }

  public var state: LedgerState { ledger.state }

  public func keep(_ event: Event, seq: Int64, time: String, bytes: [UInt8]) throws {
    entries.append(event)
    entryBytes.append(bytes)
    switch event {
    case .payment(let payment): bankRefSeqs[payment.bankRef] = seq
    case .refund(let refund): bankRefSeqs[refund.bankRef] = seq
    case .lessonRecorded(let lesson):
      lessons[lesson.enrollment + "@" + lesson.taughtAt] = EarlierLesson(
        id: lesson.lesson, hours: lesson.hours, seq: seq)
    default: break
    }
  }

  public func seq(ofBankRef bankRef: String) throws -> Int64? { bankRefSeqs[bankRef] }
  public func event(atSeq seq: Int64) throws -> Event? {
    seq >= 1 && seq <= entries.count ? entries[Int(seq - 1)] : nil
  }
  public func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson? {
    lessons[enrollment + "@" + taught.description]
  }
  public func person(commitment: String) throws -> RegisteredPerson? {
    persons[commitment].map { RegisteredPerson(role: $0.role, erased: false) }
  }
  public func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws {
    persons[commitment] = (role, maskedID, sealed)
  }
}
